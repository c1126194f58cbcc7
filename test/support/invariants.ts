// The whole contract of the auth state at a glance, shared by example and property tests.
import { expect } from 'vitest';
import {
  selectAuthHeader,
  selectAuthToken,
  selectIsAuthenticated,
  type AuthRootState,
  type AuthState,
} from 'redux-auth-kit';
import { middleThird } from './jwt';

/** One value some storage holds: where, under which name, what. */
export interface StoredEntry {
  place: 'memory' | 'localStorage' | 'cookie';
  name: string;
  value: string;
}

/**
 * The storage a store (or the tabs of one browser) writes its auth state to, for the
 * sign-out check: every entry of each place, and the tokens that must not be found there.
 */
export interface StorageProbe {
  /** The storage key (`authName`): the entry itself and its numbered cookie chunks. */
  authName: string;
  /** Every entry of every place the auth state may have been written to, read now. */
  entries(): StoredEntry[];
  /** Every access and refresh token the test handed out or that a store may hold. */
  tokens: Iterable<string>;
}

/** Where to look, for {@link storageProbe}. */
export interface ProbeOptions {
  authName: string;
  /** A memory engine's map (test/support/memoryStorage). */
  memory?: ReadonlyMap<string, string>;
  /** Look in `localStorage` (jsdom). */
  localStorage?: boolean;
  /** Look in `document.cookie` (jsdom). */
  cookies?: boolean;
  /** Tokens to look for; a live Set may keep growing while the test runs. Default none. */
  tokens?: Iterable<string>;
}

const decode = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/** A {@link StorageProbe} over the memory engine, `localStorage` and `document.cookie` as asked. */
export function storageProbe(options: ProbeOptions): StorageProbe {
  return {
    authName: options.authName,
    tokens: options.tokens ?? [],
    entries() {
      const out: StoredEntry[] = [];
      for (const [name, value] of options.memory ?? []) out.push({ place: 'memory', name, value });
      if (options.localStorage && typeof localStorage !== 'undefined') {
        for (let i = 0; i < localStorage.length; i += 1) {
          const name = localStorage.key(i)!;
          out.push({ place: 'localStorage', name, value: localStorage.getItem(name) ?? '' });
        }
      }
      if (options.cookies && typeof document !== 'undefined') {
        for (const pair of document.cookie.split('; ').filter(Boolean)) {
          const eq = pair.indexOf('=');
          const name = eq < 0 ? pair : pair.slice(0, eq);
          out.push({ place: 'cookie', name: decode(name), value: eq < 0 ? '' : pair.slice(eq + 1) });
        }
      }
      return out;
    },
  };
}

/** Largest |epoch ms| a `Date` can hold (±100,000,000 days around 1970). */
const MAX_TIME = 8.64e15;

/** A time the state may hold: a finite epoch-ms number a `Date` can represent. */
export const isEpochMs = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= MAX_TIME;

/** Pieces of `token` whose presence in storage means part of it leaked; short tokens only whole. */
const piecesOf = (token: string): string[] => (token.length >= 12 ? [token, middleThird(token)] : [token]);

/** JSON text of `value`, or the reason it has none. */
function jsonOf(value: unknown): { ok: true; text: string } | { ok: false; error: string } {
  try {
    const text = JSON.stringify(value);
    return typeof text === 'string'
      ? { ok: true, text }
      : { ok: false, error: 'JSON.stringify gave undefined' };
  } catch (error) {
    return { ok: false, error: String(error) };
  }
}

/** The invariants of one store's auth state at `now`. */
function checkState(state: AuthRootState, now: number, label: string): void {
  const auth: AuthState = state.auth;
  const { session } = auth;
  const at = (what: string): string => `${label}: ${what}`;

  // Signed in ⇒ a token.
  expect(selectIsAuthenticated(state), at('selectIsAuthenticated is "a session exists"')).toBe(
    session !== null,
  );
  if (session !== null) {
    expect(typeof session.token === 'string' && session.token.length > 0, at('a session holds a token')).toBe(
      true,
    );
  }

  // Every expiry and time stamp: a finite epoch-ms number (or null where "unknown" is allowed).
  const times: Record<string, { value: unknown; nullable: boolean }> = {
    'refresh.retryAt': { value: auth.refresh.retryAt, nullable: true },
  };
  if (session !== null) {
    times['session.expiresAt'] = { value: session.expiresAt, nullable: true };
    times['session.refreshExpiresAt'] = { value: session.refreshExpiresAt, nullable: true };
    times['session.receivedAt'] = { value: session.receivedAt, nullable: false };
    times['session.startedAt'] = { value: session.startedAt, nullable: false };
  }
  for (const [name, { value, nullable }] of Object.entries(times)) {
    const ok = (nullable && value === null) || isEpochMs(value);
    expect(
      ok,
      at(
        `${name} is a finite epoch-ms time a Date can hold${nullable ? ', or null' : ''} (got ${String(value)})`,
      ),
    ).toBe(true);
  }

  // selectAuthHeader never returns an expired token, by the clock.
  const header = selectAuthHeader(state);
  const token = selectAuthToken(state);
  if (header !== null || token !== null) {
    expect(session, at('a header or token means a session')).not.toBeNull();
    expect(token, at('the token selector gives the session token')).toBe(session!.token);
    expect(header, at('the header is "<type> <token>"')).toBe(`${session!.tokenType} ${session!.token}`);
    const expiresAt = session!.expiresAt;
    expect(
      expiresAt === null || expiresAt > now,
      at(`selectAuthHeader returns no expired token (expiresAt ${String(expiresAt)}, now ${now})`),
    ).toBe(true);
  }

  // The state JSON-round-trips (DevTools export, replay, reload).
  const json = jsonOf(auth);
  expect(json.ok ? 'serializable' : json.error, at('the auth state has JSON')).toBe('serializable');
  if (json.ok) expect(JSON.parse(json.text), at('the auth state JSON-round-trips')).toStrictEqual(auth);
}

/** The sign-out check: no entry of `authName` and no piece of any token in any storage. */
function checkSignedOutStorage(storage: StorageProbe): void {
  const { authName } = storage;
  const chunk = new RegExp(`^${authName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.\\d+$`);
  const entries = storage.entries();
  const left = entries.filter((e) => e.name === authName || chunk.test(e.name));
  expect(
    left.map((e) => `${e.place}:${e.name}`),
    'after sign-out no entry of the auth state is left in any storage',
  ).toEqual([]);
  const texts = entries.map((e) => ({
    where: `${e.place}:${e.name}`,
    text: `${e.name}=${e.value}\n${decode(e.value)}`,
  }));
  for (const token of storage.tokens) {
    if (token === '') continue;
    for (const piece of piecesOf(token)) {
      const found = texts.find((t) => t.text.includes(piece));
      expect(found?.where, 'after sign-out no piece of a token is left in any storage').toBeUndefined();
    }
  }
}

/**
 * Asserts the whole contract of the auth state, for one store or for the tabs of one browser
 * (stores sharing `storage`), at `now` (default the clock):
 *
 * - signed in ⇒ a token (and `selectIsAuthenticated` says so);
 * - every expiry and time stamp is a finite epoch-ms number a `Date` can hold, or `null`;
 * - `selectAuthHeader` / `selectAuthToken` never give a token whose `expiresAt` has come;
 * - the auth state JSON-round-trips exactly;
 * - when every store is signed out: no entry of the auth state and no piece of any token in
 *   any storage the probe looks at (call after `persistor.flush()`).
 *
 * Call it where the test has let the timers run up to `now` (after a jump of the system
 * clock, dispatch `checkClock()` first). Throws an assertion error naming the broken rule.
 */
export function checkInvariants(
  states: AuthRootState | readonly AuthRootState[],
  storage?: StorageProbe,
  now: number = Date.now(),
): void {
  const all = Array.isArray(states) ? (states as readonly AuthRootState[]) : [states as AuthRootState];
  all.forEach((state, i) => checkState(state, now, all.length === 1 ? 'state' : `tab ${i}`));
  if (storage !== undefined && all.every((state) => state.auth.session === null))
    checkSignedOutStorage(storage);
}
