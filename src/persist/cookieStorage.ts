import Cookies from 'js-cookie';
import { AuthError } from '../errors';
import { isFiniteNumber } from '../token';
import type { AuthStorage } from './storage';

/** The cookie `SameSite` attribute. */
export type CookieSameSite = 'Lax' | 'Strict' | 'None';

/** Options for {@link createCookieStorage}. */
export interface CookieStorageOptions {
  /** Cookie `Domain` attribute; omitted when undefined (host-only cookie). */
  domain?: string | undefined;
  /**
   * `Secure` attribute. Default: `true` when `location.protocol === 'https:'` at write
   * time or when `sameSite` is `'None'` (browsers drop `SameSite=None` without it),
   * else `false`.
   */
  secure?: boolean | undefined;
  /**
   * `SameSite` attribute, default `'Lax'`. `'None'` requires `Secure`: passing
   * `secure: false` with it throws `AuthError('invalid-option')`.
   */
  sameSite?: CookieSameSite | undefined;
  /** `Path` attribute, default `'/'`. */
  path?: string;
  /**
   * Decides the cookie expiry from the value being written: epoch milliseconds, or
   * `null` for a session cookie. Without it every cookie is a session cookie.
   */
  expiresAt?: (value: string) => number | null;
  /**
   * Max number of cookies one value may be split into. Default 4: every request to the
   * cookie's path carries them all, and servers commonly refuse request headers over 8-16 kB.
   */
  maxChunks?: number;
}

type Attributes = NonNullable<Parameters<typeof Cookies.set>[2]>;

/** Browsers drop a cookie whose name + value exceed 4096 bytes; keep headroom. */
const MAX_COOKIE_BYTES = 4000;
/**
 * The `key` cookie holds either the value itself or `chunks:N`, meaning the value is
 * split over `key.0` … `key.N-1`. A value that itself starts with `chunks:` is always
 * written in chunks, so the `key` cookie never holds a value that looks like a header.
 */
const HEADER_PREFIX = 'chunks:';
const HEADER = /^chunks:([1-9]\d*)$/;
const CHUNK_INDEX = /^(?:0|[1-9]\d*)$/;

// What js-cookie writes is percent-encoded ASCII, so its length in characters is its length in bytes.

/** Bytes of `s` as js-cookie writes it (plain URI-encoding is a safe upper bound). */
const encodedBytes = (s: string, name: string): number =>
  (Cookies.converter.write?.(s, name) ?? encodeURIComponent(s)).length;

/** Bytes of the name as js-cookie writes it: URI-encoded, with `(` `)` escaped to `%28` `%29`. */
const nameBytes = (name: string): number =>
  encodeURIComponent(name).length + 2 * (name.match(/[()]/g)?.length ?? 0);

/**
 * Splits `value` into strings that each fit a cookie named `key.<i>` once encoded.
 * Splits between code points, so no chunk ends inside a surrogate pair or a
 * percent-escape; js-cookie encodes each code point independently, so a chunk's
 * encoded size is the sum of its code points' encoded sizes.
 */
function split(key: string, value: string): string[] {
  const width = new Map<string, number>();
  const chunks: string[] = [];
  let start = 0;
  let end = 0;
  let used = 0;
  let budget = MAX_COOKIE_BYTES - nameBytes(`${key}.0`);
  for (const ch of value) {
    let w = width.get(ch);
    if (w === undefined) {
      w = encodedBytes(ch, key);
      width.set(ch, w);
    }
    if (used + w > budget && end > start) {
      chunks.push(value.slice(start, end));
      start = end;
      used = 0;
      budget = MAX_COOKIE_BYTES - nameBytes(`${key}.${chunks.length}`);
    }
    used += w;
    end += ch.length;
  }
  chunks.push(value.slice(start, end));
  return chunks;
}

/**
 * A redux-persist engine that keeps each value in cookies, splitting values too large
 * for one cookie over several. Looks `document` up on every call: on a server reads
 * give `null` and writes are dropped.
 *
 * @throws AuthError `invalid-option` for `sameSite: 'None'` with `secure: false`, or a
 * `maxChunks` that is not a positive integer.
 */
export function createCookieStorage(options: CookieStorageOptions = {}): AuthStorage {
  const { domain, secure, sameSite = 'Lax', path = '/', expiresAt, maxChunks = 4 } = options;
  if (sameSite === 'None' && secure === false) {
    throw new AuthError('invalid-option', 'cookie sameSite "None" requires secure');
  }
  if (!Number.isSafeInteger(maxChunks) || maxChunks < 1) {
    throw new AuthError('invalid-option', '"maxChunks" must be a positive integer');
  }

  const attributes = (value?: string): Attributes => {
    const at = value === undefined || expiresAt === undefined ? null : expiresAt(value);
    return {
      path,
      sameSite,
      domain,
      secure:
        secure ??
        (sameSite === 'None' || (typeof location !== 'undefined' && location.protocol === 'https:')),
      expires: isFiniteNumber(at) ? new Date(at) : undefined,
    };
  };

  // Scans the jar rather than trusting the old header, so chunks orphaned by a lost or
  // corrupt header are cleaned up too.
  const removeChunks = (key: string, from: number): void => {
    const removal = attributes();
    for (const name of Object.keys(Cookies.get())) {
      if (!name.startsWith(`${key}.`)) continue;
      const index = name.slice(key.length + 1);
      if (CHUNK_INDEX.test(index) && Number(index) >= from) Cookies.remove(name, removal);
    }
  };

  return {
    async getItem(key) {
      if (typeof document === 'undefined') return null;
      // One snapshot of document.cookie, so header and chunks come from the same read.
      const jar = Cookies.get();
      const head = jar[key];
      if (head === undefined) return null;
      if (!head.startsWith(HEADER_PREFIX)) return head;
      const count = HEADER.exec(head)?.[1];
      if (count === undefined) return null;
      const parts: string[] = [];
      for (let i = 0; i < Number(count); i++) {
        const part = jar[`${key}.${i}`];
        // A truncated value could still parse; null lets the caller discard it.
        if (part === undefined) return null;
        parts.push(part);
      }
      return parts.join('');
    },

    async setItem(key, value) {
      if (typeof document === 'undefined') return;
      const encoded = encodedBytes(value, key);
      const single = !value.startsWith(HEADER_PREFIX) && nameBytes(key) + encoded <= MAX_COOKIE_BYTES;
      const chunks = single ? [] : split(key, value);
      if (chunks.length > maxChunks) {
        throw new AuthError(
          'storage-too-large',
          `cookie "${key}": ${encoded} bytes need ${chunks.length} cookies, over the limit of ${maxChunks}`,
        );
      }
      const attrs = attributes(value);
      // Chunks before the header, so the header never points at chunks not yet written.
      chunks.forEach((chunk, i) => Cookies.set(`${key}.${i}`, chunk, attrs));
      Cookies.set(key, single ? value : `${HEADER_PREFIX}${chunks.length}`, attrs);
      removeChunks(key, chunks.length);
    },

    async removeItem(key) {
      if (typeof document === 'undefined') return;
      Cookies.remove(key, attributes());
      removeChunks(key, 0);
    },
  };
}
