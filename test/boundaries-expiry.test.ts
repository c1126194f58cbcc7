// @vitest-environment jsdom
// Expiries at the edge of what a number (and a Date) can hold: whatever a token or a server
// says, the state keeps finite epoch-ms expiries (or refuses the token), so it stays JSON and
// the cookies it writes carry a real expiry date.
import { beforeEach, describe, expect, test, vi } from 'vitest';
import {
  AuthError,
  createRefresh,
  refreshNow,
  selectIsAuthenticated,
  signIn,
  type RefreshApiResult,
  type SignInParams,
} from 'redux-auth-kit';
import { withFakeClock } from './support/clock';
import { clearCookiesAndLocalStorage, cookieWrites } from './support/cookies';
import { makeStore, uniqueAuthName } from './support/harness';
import { checkInvariants } from './support/invariants';
import { jwtFor, makeJwt } from './support/jwt';
import { createMemoryStorage } from './support/memoryStorage';

const nowS = (): number => Math.floor(Date.now() / 1000);

withFakeClock();
beforeEach(() => {
  clearCookiesAndLocalStorage();
});

/**
 * Signs in with `params`. A refusal must be an AuthError thrown by the action creator, with
 * the state untouched; an accepted sign-in must leave a state that keeps every invariant.
 */
async function signInOrRefuse(params: SignInParams) {
  const { store } = await makeStore({ authName: uniqueAuthName(), storage: createMemoryStorage().storage });
  const before = store.getState().auth;
  let action: ReturnType<typeof signIn>;
  try {
    action = signIn(params);
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    expect(store.getState().auth).toBe(before);
    return 'refused';
  }
  store.dispatch(action);
  checkInvariants(store.getState());
  return 'signed-in';
}

describe('sign-in with expiries a Date cannot hold', () => {
  test('a JWT whose exp is 1e306 is refused or signs in with a finite expiry', async () => {
    await signInOrRefuse({ auth: { token: makeJwt({ iat: nowS(), exp: 1e306 }) }, refresh: 'rt' });
  });

  test('a JWT whose iat is -1e306 is refused or signs in with a finite expiry', async () => {
    await signInOrRefuse({ auth: { token: makeJwt({ iat: -1e306, exp: nowS() + 60 }) }, refresh: 'rt' });
  });

  test('expiresIn of 1e306 seconds is refused or gives a finite expiry', async () => {
    await signInOrRefuse({ auth: { token: 'opaque-access-token', expiresIn: 1e306 }, refresh: 'rt' });
  });

  test('refreshExpiresIn of 1e306 seconds is refused or gives a finite refresh expiry', async () => {
    await signInOrRefuse({ auth: { token: jwtFor(600) }, refresh: 'rt', refreshExpiresIn: 1e306 });
  });

  test('refreshExpiresIn of 1e13 seconds is refused or gives a refresh expiry a Date can hold', async () => {
    await signInOrRefuse({ auth: { token: jwtFor(600) }, refresh: 'rt', refreshExpiresIn: 1e13 });
  });
});

describe('refresh results with expiries a Date cannot hold', () => {
  /** A signed-in store whose refresh answers `result`; returns the state after one refresh. */
  async function refreshWith(result: RefreshApiResult) {
    const { store } = await makeStore({
      authName: uniqueAuthName(),
      storage: createMemoryStorage().storage,
      refresh: createRefresh({ refreshApiCallback: async () => result }),
    });
    store.dispatch(signIn({ auth: { token: jwtFor(600) }, refresh: 'rt-1' }));
    const outcome = await store.dispatch(refreshNow());
    // Refused as a malformed result (the session kept, retried), or applied with finite expiries.
    expect(selectIsAuthenticated(store.getState())).toBe(true);
    expect([{ ok: true }, { ok: false, reason: 'invalid-response' }]).toContainEqual(outcome);
    checkInvariants(store.getState());
  }

  test('newAuthTokenExpireIn of 1e306 seconds leaves a finite expiry', async () => {
    await refreshWith({ isSuccess: true, newAuthToken: jwtFor(600), newAuthTokenExpireIn: 1e306 });
  });

  test('newRefreshTokenExpiresIn of 1e306 seconds leaves a finite refresh expiry', async () => {
    await refreshWith({
      isSuccess: true,
      newAuthToken: jwtFor(600),
      newRefreshToken: 'rt-2',
      newRefreshTokenExpiresIn: 1e306,
    });
  });
});

describe('cookie expiry', () => {
  test('a refresh token living 1e13 seconds never writes a cookie with an invalid expiry date', async () => {
    const authName = uniqueAuthName();
    const { store, persistor } = await makeStore({ authName, authType: 'cookie' });
    const writes = await cookieWrites(async () => {
      try {
        store.dispatch(signIn({ auth: { token: jwtFor(600) }, refresh: 'rt', refreshExpiresIn: 1e13 }));
      } catch (error) {
        expect(error).toBeInstanceOf(AuthError);
      }
      await persistor.flush();
    });
    const expiries = writes.flatMap((w) => [...w.matchAll(/;\s*expires=([^;]*)/gi)].map((m) => m[1]!));
    expect(writes.join('\n')).not.toContain('Invalid Date');
    for (const expires of expiries) expect(Number.isNaN(Date.parse(expires)), expires).toBe(false);
  });
});

describe('stored expiries a Date cannot hold', () => {
  test('a stored session whose refresh expiry is 1e16 ms is removed at startup, not restored', async () => {
    const authName = uniqueAuthName();
    const session = {
      id: 'stored',
      generation: 0,
      token: jwtFor(600),
      tokenType: 'Bearer',
      expiresAt: Date.now() + 600_000,
      receivedAt: Date.now(),
      startedAt: Date.now(),
      refreshToken: 'rt-stored',
      refreshExpiresAt: 1e16,
      userState: null,
    };
    const text = JSON.stringify({
      session: JSON.stringify(session),
      _persist: '{"version":-1,"rehydrated":true}',
    });
    const memory = createMemoryStorage({ [authName]: text });
    const { store, persistor } = await makeStore({ authName, storage: memory.storage });
    await vi.advanceTimersByTimeAsync(0);
    await persistor.flush();
    checkInvariants(store.getState());
    expect(selectIsAuthenticated(store.getState()), 'signed out').toBe(false);
    expect(memory.data.has(authName), 'the value is removed').toBe(false);
  });
});
