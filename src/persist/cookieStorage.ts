import Cookies from 'js-cookie';
import { raise } from '../errors';
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

/** Browsers drop a cookie whose name + value exceed 4096 bytes; keep headroom. */
const MAX_COOKIE_BYTES = 4000;
/**
 * The `key` cookie holds either the value itself or `chunks:N`, meaning the value is
 * split over `key.0` … `key.N-1`. A value that itself starts with `chunks:` is always
 * written in chunks, so the `key` cookie never holds a value that looks like a header.
 */
const HEADER_PREFIX = 'chunks:';
const CHUNK_INDEX = /^(0|[1-9]\d*)$/;

// What js-cookie writes is percent-encoded ASCII, so its length in characters is its length in bytes.

/** Bytes of `s` as js-cookie writes it. */
const encodedBytes = (s: string): number => Cookies.converter.write!(s, '').length;

/**
 * Bytes left for the value in a cookie named `name`. js-cookie URI-encodes names and
 * also escapes `(` `)` to `%28` `%29` (counted here as an upper bound).
 */
const room = (name: string): number =>
  MAX_COOKIE_BYTES - encodeURIComponent(name).replace(/[()]/g, '%28').length;

/**
 * Splits `value` into strings that each fit a cookie named `key.<i>` once encoded.
 * Splits between code points, so no chunk ends inside a surrogate pair or a
 * percent-escape; js-cookie encodes each code point independently, so a chunk's
 * encoded size is the sum of its code points' encoded sizes.
 */
function split(key: string, value: string): string[] {
  const chunks: string[] = [];
  let chunk = '';
  let left = 0;
  for (const ch of value) {
    const bytes = encodedBytes(ch);
    if (chunk && bytes > left) {
      chunks.push(chunk);
      chunk = '';
    }
    if (!chunk) left = room(`${key}.${chunks.length}`);
    chunk += ch;
    left -= bytes;
  }
  chunks.push(chunk);
  return chunks;
}

/**
 * Every cookie the document holds, name → decoded value, read in one snapshot of
 * `document.cookie` (`undefined` without a document, on a server). js-cookie's own jar is a
 * plain object, where a cookie named like an `Object.prototype` member (`constructor`,
 * `toString`, `__proto__`) reads as that member and is never filled in; a Map holds any name.
 * As in js-cookie, the first cookie of a name wins and one that does not decode is skipped.
 */
export function readJar(): Map<string, string> | undefined {
  if (typeof document === 'undefined') return undefined;
  const jar = new Map<string, string>();
  for (const pair of document.cookie ? document.cookie.split('; ') : []) {
    const eq = pair.indexOf('=');
    const value = eq < 0 ? '' : pair.slice(eq + 1);
    try {
      const name = decodeURIComponent(eq < 0 ? pair : pair.slice(0, eq));
      if (!jar.has(name)) jar.set(name, Cookies.converter.read!(value, name));
    } catch {
      // Not valid percent-encoding: skipped.
    }
  }
  return jar;
}

/**
 * The attributes of our cookies (the auth cookies and the marker beside localStorage), given an
 * expiry (epoch ms; none: a session cookie, or a removal). `Secure` defaults to on for https,
 * looked up at each write.
 */
export function cookieAttributes(
  options: Pick<CookieStorageOptions, 'domain' | 'secure' | 'sameSite' | 'path'>,
) {
  const { domain, secure, sameSite = 'Lax', path = '/' } = options;
  return (at?: number | null) => ({
    path,
    sameSite,
    domain,
    secure: secure ?? (sameSite === 'None' || globalThis.location?.protocol === 'https:'),
    expires: isFiniteNumber(at) ? new Date(at) : undefined,
  });
}

/**
 * A redux-persist engine that keeps each value in cookies, splitting values too large
 * for one cookie over several. Looks `document` up on every call (js-cookie reads and
 * writes nothing without one): on a server reads give `null` and writes are dropped.
 *
 * @throws AuthError `invalid-option` for `sameSite: 'None'` with `secure: false`, or a
 * `maxChunks` that is not a positive integer.
 */
export function createCookieStorage(options: CookieStorageOptions = {}): AuthStorage {
  const { secure, sameSite = 'Lax', expiresAt, maxChunks = 4 } = options;
  if (sameSite === 'None' && secure === false) {
    raise('invalid-option', 'cookie sameSite "None" requires secure');
  }
  if (!Number.isSafeInteger(maxChunks) || maxChunks < 1) {
    raise('invalid-option', '"maxChunks" must be a positive integer');
  }

  // Every cookie of a value gets the same attributes; removal needs no expiry.
  const attributes = cookieAttributes(options);

  // Scans the jar rather than trusting the old header, so chunks orphaned by a lost or
  // corrupt header are cleaned up too.
  const removeChunks = (key: string, from: number): void => {
    const removal = attributes();
    // (Nothing to scan on a server.)
    for (const name of readJar()?.keys() ?? []) {
      const index = name.slice(key.length + 1);
      if (name.startsWith(`${key}.`) && CHUNK_INDEX.test(index) && +index >= from)
        Cookies.remove(name, removal);
    }
  };

  return {
    async getItem(key) {
      // One snapshot of document.cookie, so header and chunks come from the same read.
      const jar = readJar();
      const head = jar?.get(key);
      if (!head?.startsWith(HEADER_PREFIX)) return head ?? null;
      // `chunks:N`, N written plainly; anything else (or 0) reads as no value.
      const count = head.slice(HEADER_PREFIX.length);
      if (!CHUNK_INDEX.test(count)) return null;
      let value = '';
      for (let i = 0; i < +count; i++) {
        const part = jar!.get(`${key}.${i}`);
        // A truncated value could still parse; null lets the caller discard it.
        if (part === undefined) return null;
        value += part;
      }
      // No chunk is ever empty: an empty result is a `chunks:0` header.
      return value || null;
    },

    async setItem(key, value) {
      // Dropped on a server, whatever its size.
      if (typeof document === 'undefined') return;
      const bytes = encodedBytes(value);
      const single = !value.startsWith(HEADER_PREFIX) && bytes <= room(key);
      const chunks = single ? [] : split(key, value);
      if (chunks.length > maxChunks) {
        raise(
          'storage-too-large',
          `cookie "${key}": ${bytes} bytes need ${chunks.length} cookies, over the limit of ${maxChunks}`,
        );
      }
      const attrs = attributes(expiresAt?.(value));
      // Chunks before the header, so the header never points at chunks not yet written.
      chunks.forEach((chunk, i) => Cookies.set(`${key}.${i}`, chunk, attrs));
      Cookies.set(key, single ? value : HEADER_PREFIX + chunks.length, attrs);
      removeChunks(key, chunks.length);
    },

    async removeItem(key) {
      Cookies.remove(key, attributes());
      removeChunks(key, 0);
    },
  };
}
