// @vitest-environment jsdom
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
import { jwtFor as baseJwtFor, middleThird } from './support/jwt';
import { clearCookiesAndLocalStorage, cookiesOf, expectNoTokenInCookies, jar } from './support/cookies';
import { makeStore, uniqueAuthName } from './support/harness';

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
