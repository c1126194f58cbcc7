// @vitest-environment jsdom
import fc from 'fast-check';
import Cookies from 'js-cookie';
import { beforeEach, describe, expect, test, vi } from 'vitest';
import {
  createRefresh,
  refreshNow,
  selectAuthUser,
  selectIsAuthenticated,
  signIn,
  signOut,
  type RefreshApiResult,
} from 'redux-auth-kit';
import { T0, withFakeClock } from './support/clock';
import { checkInvariants, storageProbe } from './support/invariants';
import { jwtFor as baseJwtFor, middleThird } from './support/jwt';
import {
  clearCookiesAndLocalStorage,
  clearEveryCookie,
  cookiesOf,
  expectNoTokenInCookies,
  jar,
} from './support/cookies';
import { makeStore, uniqueAuthName } from './support/harness';
import {
  assertProperty,
  freshClock,
  openStore,
  oracleStored,
  propertyAuthName,
  propertyTimeout,
  recordingLogger,
  storedCase,
} from './support/properties';

withFakeClock();
beforeEach(() => {
  // Stores of earlier tests are disposed; start every test with an empty jar and localStorage.
  clearCookiesAndLocalStorage();
});

let unique = 0;
/** A JWT whose payload differs from every other test's, so fragment checks cannot match another token. */
const jwtFor = (seconds: number): string =>
  baseJwtFor(seconds, { nonce: `n${++unique}-${Math.random().toString(36).slice(2)}` });

function localKeysOf(authName: string): string[] {
  const keys: string[] = [];
  for (let i = 0; i < localStorage.length; i += 1) {
    const key = localStorage.key(i);
    if (key !== null && key.startsWith(authName)) keys.push(key);
  }
  return keys;
}

function expectNoTokenInLocalStorage(authName: string, tokens: string[]): void {
  expect(localKeysOf(authName)).toEqual([]);
  for (let i = 0; i < localStorage.length; i += 1) {
    const value = localStorage.getItem(localStorage.key(i) ?? '') ?? '';
    for (const token of tokens) {
      expect(value).not.toContain(token);
      expect(value).not.toContain(middleThird(token));
    }
  }
}

type Attributes = NonNullable<Parameters<typeof Cookies.set>[2]>;

/** The attributes of the last write of the cookie named `name`. */
function lastAttributes(set: { mock: { calls: unknown[][] } }, name: string): Attributes {
  const call = set.mock.calls.filter((args) => args[0] === name).at(-1);
  expect(call, `no Cookies.set for ${name}`).toBeDefined();
  return call![2] as Attributes;
}

/** A user state whose JSON is about `bytes` long. */
const bigUser = (bytes: number) => ({ name: 'Ada', notes: 'n'.repeat(bytes) });

describe('cookie persistence through createAuthStore', () => {
  test('sign-in writes the auth cookie with Lax, Path=/, not Secure on http and the refresh token expiry', async () => {
    const authName = uniqueAuthName();
    const set = vi.spyOn(Cookies, 'set');
    const { store, persistor } = await makeStore({ authName, authType: 'cookie' });
    const token = jwtFor(600);
    store.dispatch(signIn({ auth: { token }, refresh: 'rt-cookie-1', refreshExpiresIn: 86_400 }));
    await persistor.flush();

    expect(location.protocol).toBe('http:');
    expect(jar().get(authName)).toContain(token);
    const attributes = lastAttributes(set, authName);
    expect(attributes.sameSite).toBe('Lax');
    expect(attributes.path).toBe('/');
    expect(attributes.secure).toBe(false);
    expect(attributes.domain).toBeUndefined();
    expect(attributes.expires).toBeInstanceOf(Date);
    expect((attributes.expires as Date).getTime()).toBe(T0 + 86_400_000);
    expect(store.getState().auth.session?.refreshExpiresAt).toBe(T0 + 86_400_000);
  });

  test('cookieSecure, cookieDomain and cookieSameSite reach the cookie attributes', async () => {
    const authName = uniqueAuthName();
    const set = vi.spyOn(Cookies, 'set');
    const { store, persistor } = await makeStore({
      authName,
      authType: 'cookie',
      cookieSecure: true,
      cookieDomain: 'localhost',
      cookieSameSite: 'Strict',
    });
    store.dispatch(signIn({ auth: { token: jwtFor(600) }, refresh: 'rt-cookie-2', refreshExpiresIn: 3_600 }));
    await persistor.flush();

    const attributes = lastAttributes(set, authName);
    expect(attributes.secure).toBe(true);
    expect(attributes.domain).toBe('localhost');
    expect(attributes.sameSite).toBe('Strict');
    expect(attributes.path).toBe('/');
  });

  test('without a refresh token the cookie expires with the access token', async () => {
    const authName = uniqueAuthName();
    const set = vi.spyOn(Cookies, 'set');
    const { store, persistor } = await makeStore({ authName, authType: 'cookie' });
    store.dispatch(signIn({ auth: { token: jwtFor(900) } }));
    await persistor.flush();
    expect((lastAttributes(set, authName).expires as Date).getTime()).toBe(T0 + 900_000);
  });

  test('a rotated refresh token moves the cookie expiry to the new refresh token expiry', async () => {
    const authName = uniqueAuthName();
    const set = vi.spyOn(Cookies, 'set');
    const { store, persistor } = await makeStore({
      authName,
      authType: 'cookie',
      refresh: createRefresh({
        refreshApiCallback: async () => ({
          isSuccess: true,
          newAuthToken: jwtFor(600),
          newRefreshToken: 'rt-rotated',
          newRefreshTokenExpiresIn: 7_200,
        }),
      }),
    });
    store.dispatch(signIn({ auth: { token: jwtFor(600) }, refresh: 'rt-original', refreshExpiresIn: 3_600 }));
    await persistor.flush();
    await vi.advanceTimersByTimeAsync(1_000);
    await expect(store.dispatch(refreshNow())).resolves.toEqual({ ok: true });
    await persistor.flush();

    expect(jar().get(authName)).toContain('rt-rotated');
    expect((lastAttributes(set, authName).expires as Date).getTime()).toBe(T0 + 1_000 + 7_200_000);
  });

  test('a session larger than one 4096-byte cookie round-trips intact through a reload', async () => {
    const authName = uniqueAuthName();
    const user = bigUser(10_000);
    const token = jwtFor(3600);
    const first = await makeStore<typeof user>({ authName, authType: 'cookie' });
    first.store.dispatch(
      signIn({ auth: { token }, refresh: 'rt-big', refreshExpiresIn: 86_400, userState: user }),
    );
    await first.persistor.flush();
    first.auth.dispose();
    first.persistor.pause();

    const written = cookiesOf(authName);
    expect(written.length).toBeGreaterThan(2);
    const total = written.reduce((sum, name) => sum + (jar().get(name)?.length ?? 0), 0);
    expect(total).toBeGreaterThan(4096);

    const second = await makeStore<typeof user>({ authName, authType: 'cookie' });
    expect(selectIsAuthenticated(second.store.getState())).toBe(true);
    expect(selectAuthUser(second.store.getState())).toEqual(user);
    expect(second.store.getState().auth.session?.token).toBe(token);
  });

  test('a session beyond the chunk limit is refused with a console error naming the limit and no token', async () => {
    const authName = uniqueAuthName();
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const token = jwtFor(3600);
    const refresh = 'rt-too-big-0123456789abcdef';
    const { store, persistor } = await makeStore({ authName, authType: 'cookie' });
    store.dispatch(signIn({ auth: { token }, refresh, userState: bigUser(100_000) }));
    await persistor.flush();
    await vi.advanceTimersByTimeAsync(100);

    expect(error).toHaveBeenCalled();
    const logged = error.mock.calls
      .flat()
      .map((arg) => (arg instanceof Error ? `${arg.name}: ${arg.message}` : String(arg)))
      .join('\n');
    expect(logged).toMatch(/limit/);
    expect(logged).toContain(authName);
    for (const secret of [token, middleThird(token), refresh]) expect(logged).not.toContain(secret);
    expect(cookiesOf(authName)).toEqual([]);
  });

  test('sign-out leaves no auth cookie and no token in document.cookie', async () => {
    const authName = uniqueAuthName();
    const { store, persistor } = await makeStore({ authName, authType: 'cookie' });
    const token = jwtFor(600);
    const refresh = 'rt-signout-0123456789abcdef';
    store.dispatch(signIn({ auth: { token }, refresh, userState: bigUser(6_000) }));
    await persistor.flush();
    expect(cookiesOf(authName).length).toBeGreaterThan(1);

    store.dispatch(signOut());
    await persistor.flush();
    expectNoTokenInCookies(authName, [token, refresh]);
  });

  test('a rejected refresh leaves no auth cookie and no token in document.cookie', async () => {
    const authName = uniqueAuthName();
    const refreshApiCallback = vi.fn(async (): Promise<RefreshApiResult> => ({ isSuccess: false }));
    const { store, persistor } = await makeStore({
      authName,
      authType: 'cookie',
      refresh: createRefresh({ refreshApiCallback }),
    });
    const token = jwtFor(600);
    const refresh = 'rt-rejected-0123456789abcdef';
    store.dispatch(signIn({ auth: { token }, refresh }));
    await persistor.flush();
    expect(jar().get(authName)).toContain(refresh);

    await expect(store.dispatch(refreshNow())).resolves.toEqual({ ok: false, reason: 'rejected' });
    await persistor.flush();
    expect(selectIsAuthenticated(store.getState())).toBe(false);
    expectNoTokenInCookies(authName, [token, refresh]);
  });
});

describe('localStorage persistence through createAuthStore', () => {
  test('sign-in writes the session under authName and a reload restores it', async () => {
    const authName = uniqueAuthName();
    const user = bigUser(10_000);
    const token = jwtFor(600);
    const first = await makeStore<typeof user>({ authName, authType: 'localstorage' });
    first.store.dispatch(signIn({ auth: { token }, refresh: 'rt-local-1', userState: user }));
    await first.persistor.flush();
    first.auth.dispose();
    first.persistor.pause();
    expect(localStorage.getItem(authName)).toContain(token);
    // Only the non-secret generation marker lives in a cookie: no token, no session copy.
    expect(cookiesOf(authName)).toEqual([`${authName}.gen`]);
    expect(decodeURIComponent(document.cookie)).not.toContain(token);
    expect(decodeURIComponent(document.cookie)).not.toContain('rt-local-1');

    const second = await makeStore<typeof user>({ authName, authType: 'localstorage' });
    expect(selectAuthUser(second.store.getState())).toEqual(user);
    expect(second.store.getState().auth.session?.token).toBe(token);
  });

  test('sign-out leaves no key and no token in localStorage', async () => {
    const authName = uniqueAuthName();
    const { store, persistor } = await makeStore({ authName, authType: 'localstorage' });
    const token = jwtFor(600);
    const refresh = 'rt-local-signout-0123456789';
    store.dispatch(signIn({ auth: { token }, refresh }));
    await persistor.flush();
    expect(localKeysOf(authName)).toEqual([authName]);

    store.dispatch(signOut());
    await persistor.flush();
    expectNoTokenInLocalStorage(authName, [token, refresh]);
  });

  test('a rejected refresh leaves no key and no token in localStorage', async () => {
    const authName = uniqueAuthName();
    const { store, persistor } = await makeStore({
      authName,
      authType: 'localstorage',
      refresh: createRefresh({ refreshApiCallback: async () => ({ isSuccess: false }) }),
    });
    const token = jwtFor(600);
    const refresh = 'rt-local-rejected-0123456789';
    store.dispatch(signIn({ auth: { token }, refresh }));
    await persistor.flush();
    expect(localStorage.getItem(authName)).toContain(refresh);

    await expect(store.dispatch(refreshNow())).resolves.toEqual({ ok: false, reason: 'rejected' });
    await persistor.flush();
    expectNoTokenInLocalStorage(authName, [token, refresh]);
  });
});

// Property: a value split over cookies (`<authName>` = `chunks:N`, then `<authName>.0` …) reads
// back only when every chunk is there in order; a chunk set with chunks missing, duplicated,
// reordered or garbled, or a broken header, is removed and the store signed out, never thrown
// on; what reads back is judged like any stored value.

/** What happens to a chunk set before it is written. */
type Mutation =
  | { kind: 'none' }
  | { kind: 'drop'; at: number }
  | { kind: 'duplicate'; from: number; to: number }
  | { kind: 'swap'; a: number; b: number }
  | { kind: 'garble'; at: number; start: number; length: number; text: string }
  | { kind: 'header'; value: string }
  | { kind: 'no-header' }
  | { kind: 'orphan'; text: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant<Mutation>({ kind: 'none' }),
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), from: fc.nat(), to: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({
    kind: fc.constant('garble' as const),
    at: fc.nat(),
    start: fc.nat(),
    length: fc.nat({ max: 8 }),
    text: fc.string({ maxLength: 8 }),
  }),
  fc.record({
    kind: fc.constant('header' as const),
    value: fc.oneof(
      fc.constantFrom('chunks:0', 'chunks:-1', 'chunks:01', 'chunks:x', 'chunks:', 'chunks:99'),
      fc.string().map((s) => `chunks:${s}`),
    ),
  }),
  fc.constant<Mutation>({ kind: 'no-header' }),
  fc.record({ kind: fc.constant('orphan' as const), text: fc.string({ minLength: 1 }) }),
);

/** The cookies a chunk set is written as: name → value. */
function chunkSet(authName: string, text: string, pieces: number, cuts: number[], change: Mutation) {
  const chars = Array.from(text);
  const at = [...new Set(cuts.map((c) => c % Math.max(1, chars.length)))]
    .sort((x, y) => x - y)
    .slice(0, pieces - 1);
  const chunks: string[] = [];
  let from = 0;
  for (const cut of [...at, chars.length]) {
    if (cut > from) chunks.push(chars.slice(from, cut).join(''));
    from = Math.max(from, cut);
  }
  if (chunks.length === 0) chunks.push('');
  let header: string | null = `chunks:${chunks.length}`;
  const pick = (n: number): number => n % chunks.length;
  switch (change.kind) {
    case 'drop':
      chunks[pick(change.at)] = undefined as unknown as string;
      break;
    case 'duplicate':
      chunks[pick(change.to)] = chunks[pick(change.from)]!;
      break;
    case 'swap': {
      const [a, b] = [pick(change.a), pick(change.b)];
      [chunks[a], chunks[b]] = [chunks[b]!, chunks[a]!];
      break;
    }
    case 'garble': {
      const i = pick(change.at);
      const piece = Array.from(chunks[i]!);
      const start = change.start % (piece.length + 1);
      piece.splice(start, change.length, ...Array.from(change.text));
      chunks[i] = piece.join('');
      break;
    }
    case 'header':
      header = change.value;
      break;
    case 'no-header':
      header = null;
      break;
    case 'orphan':
      chunks.push(change.text);
      break;
  }
  const cookies = new Map<string, string>();
  chunks.forEach((chunk, i) => {
    if (chunk !== undefined && chunk !== '') cookies.set(`${authName}.${i}`, chunk);
  });
  if (header !== null) cookies.set(authName, header);
  return cookies;
}

/** What the documented chunk format reads back from `cookies` (an absent or empty value: `null`). */
function readChunked(authName: string, cookies: Map<string, string>): string | null {
  const head = cookies.get(authName);
  if (head === undefined) return null;
  if (!head.startsWith('chunks:')) return head;
  const count = head.slice('chunks:'.length);
  if (!/^(0|[1-9]\d*)$/.test(count)) return null;
  let value = '';
  for (let i = 0; i < Number(count); i += 1) {
    const part = cookies.get(`${authName}.${i}`);
    if (part === undefined) return null;
    value += part;
  }
  return value === '' ? null : value;
}

test(
  'rehydrating from any chunk set of cookies never throws, removes what does not read back as a valid session, restores what does',
  async () => {
    await assertProperty(
      'rehydrate (cookie chunks)',
      fc.asyncProperty(
        storedCase.filter((c) => c.text !== null && c.text !== ''),
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        mutation,
        async (stored, pieces, cuts, change) => {
          freshClock();
          clearEveryCookie();
          const authName = propertyAuthName();
          const cookies = chunkSet(authName, stored.text!, pieces, cuts, change);
          for (const [name, value] of cookies) Cookies.set(name, value, { path: '/' });
          const expected = oracleStored(readChunked(authName, cookies));
          const { logger, logs } = recordingLogger();
          const made = await openStore({
            authName,
            authType: 'cookie',
            refresh: createRefresh({
              refreshApiCallback: () => new Promise<never>(() => {}),
              timeout: 3_600,
            }),
            logger,
            listener: { logger, crossTab: false, wallClockCheck: 0 },
          });
          try {
            const { store, persistor } = made;
            await vi.advanceTimersByTimeAsync(0);
            await persistor.flush();
            const now = Date.now();
            const ended =
              expected !== null &&
              ((expected.refreshExpiresAt !== null && expected.refreshExpiresAt <= now) ||
                (expected.expiresAt !== null && expected.expiresAt <= now && expected.refreshToken === null));
            const state = store.getState();
            if (expected === null || ended) expect(state.auth.session, 'signed out').toBeNull();
            else expect(state.auth.session, 'restored exactly').toStrictEqual(expected);
            expect(logs.error, 'nothing logged as an error').toEqual([]);
            // Signed out: no cookie of the auth state is left (header, chunks), nor any token.
            checkInvariants(state, storageProbe({ authName, cookies: true, tokens: stored.tokens }));
          } finally {
            made.dispose();
          }
        },
      ),
      0xc00c,
    );
  },
  propertyTimeout(),
);
