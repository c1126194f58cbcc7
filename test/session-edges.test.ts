// @vitest-environment jsdom
import {
  AuthError,
  authReducer,
  createAuthStorage,
  createRefresh,
  refreshFailed,
  refreshSucceeded,
  selectAuthHeader,
  sessionSynced,
  signIn,
  tokenExpired,
  type AuthState,
} from 'redux-auth-kit';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { T0, withFakeClock } from './support/clock';
import { makeStore, uniqueAuthName } from './support/harness';
import { jwtFor, makeJwt } from './support/jwt';
import { createChannelHub } from './support/channel';
import { createLockManager } from './support/locks';

afterEach(() => {
  vi.restoreAllMocks();
});
withFakeClock();
beforeEach(() => {
  localStorage.clear();
});

const signedIn = (): AuthState =>
  authReducer(undefined, signIn({ auth: { token: jwtFor(600) }, refresh: 'r1', userState: { name: 'Ada' } }));

describe('a token that expired within the clock-skew tolerance', () => {
  // No `iat`, and `exp` 30 s ago: accepted (the client clock may be ahead), and due at once.
  const pastToken = (): string => makeJwt({ exp: Date.now() / 1000 - 30 });

  for (const withLocks of [false, true]) {
    test(`is stored, refreshed at once after sign-in, and kept when that refresh fails transiently (${withLocks ? 'with' : 'without'} Web Locks)`, async () => {
      const sent: Array<string | undefined> = [];
      const refresh = createRefresh({
        refreshApiCallback: async ({ refreshToken }) => {
          sent.push(refreshToken);
          throw new TypeError('Failed to fetch');
        },
      });
      const authName = uniqueAuthName();
      const { store, persistor } = await makeStore({
        authName,
        authType: 'localstorage',
        refresh,
        listener: withLocks ? { crossTab: { locks: createLockManager().manager } } : {},
      });
      store.dispatch(signIn({ auth: { token: pastToken() }, refresh: 'r1' }));
      await persistor.flush();
      await vi.advanceTimersByTimeAsync(100);

      expect(sent).toEqual(['r1']);
      expect(store.getState().auth.session).not.toBeNull();
      expect(store.getState().auth.refresh.status).toBe('retrying');
      // Stored as it is, so a reload (or another tab) finds the session.
      expect(localStorage.getItem(authName)).toContain('r1');
    });
  }

  test('is never handed out, even by the reducer alone', () => {
    const state = authReducer(undefined, signIn({ auth: { token: pastToken() }, refresh: 'r1' }));
    expect(selectAuthHeader({ auth: state })).toBeNull();
  });

  test('from a refresh result is refreshed again only after a pause, never in a loop', async () => {
    const warn = vi.fn();
    const sentAt: number[] = [];
    const refresh = createRefresh({
      refreshApiCallback: async () => {
        sentAt.push(Date.now() - T0);
        // A loop would never let timers advance: stop answering after a few.
        if (sentAt.length > 10) return new Promise<never>(() => {});
        return { isSuccess: true, newAuthToken: pastToken() };
      },
    });
    const { store } = await makeStore({
      authName: uniqueAuthName(),
      refresh,
      listener: { logger: { error: () => {}, warn } },
    });
    store.dispatch(signIn({ auth: { token: jwtFor(60) }, refresh: 'r1' }));
    await vi.advanceTimersByTimeAsync(100_000);

    // Due at 30 s (the margin capped at half of 60 s), then every 30 s.
    expect(sentAt).toEqual([30_000, 60_000, 90_000]);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('arrived already expired'));
  });
});

/** A refreshSucceeded payload with a new access token for `state`'s session. */
const newTokensFor = ({ session }: AuthState) => ({
  sessionId: session!.id,
  generation: session!.generation,
  token: 'next-token',
  tokenType: 'Bearer',
  expiresAt: T0 + 600_000,
  receivedAt: T0,
});

describe('refreshSucceeded', () => {
  test('keeps the refresh token, its expiry and the user state when the payload leaves them undefined', () => {
    const state = signedIn();
    const session = state.session!;
    const next = authReducer(
      state,
      // Explicit `undefined`s, as a JavaScript caller may write them (the types forbid them).
      refreshSucceeded({
        ...newTokensFor(state),
        refreshToken: undefined,
        refreshExpiresAt: undefined,
        userState: undefined,
      } as never),
    );
    expect(next.session).toMatchObject({
      generation: 1,
      token: 'next-token',
      refreshToken: 'r1',
      refreshExpiresAt: session.refreshExpiresAt,
      userState: { name: 'Ada' },
    });
  });

  test('takes only session fields from its payload', () => {
    const state = signedIn();
    const session = state.session!;
    const payload = {
      ...newTokensFor(state),
      startedAt: 1,
      id: 'forged',
      note: 'not a session field',
    };
    const next = authReducer(state, refreshSucceeded(payload));
    expect(next.session).toEqual({ ...session, generation: 1, token: 'next-token', receivedAt: T0 });
  });
});

test('actions naming no session change nothing while signed out, and never throw', () => {
  const signedOut = authReducer(undefined, { type: 'init' });
  const nameless = [
    tokenExpired({} as never),
    refreshFailed({ reason: 'network', retryAt: 1 } as never),
    refreshSucceeded({ token: 't', tokenType: 'Bearer', expiresAt: null, receivedAt: T0 } as never),
  ];
  for (const action of nameless) expect(authReducer(signedOut, action)).toBe(signedOut);
  // A sign-out naming an invalid session ends nothing.
  const state = signedIn();
  expect(authReducer(state, sessionSynced({ session: null, ended: null as never, now: T0 }))).toBe(state);
});

test('a sign-in without a token says that the token is missing', () => {
  for (const params of [undefined, {}, { auth: null }, { auth: {} }]) {
    expect(() => signIn(params as never)).toThrowError(
      expect.objectContaining({ code: 'invalid-token', message: 'auth.token is missing.' }),
    );
  }
  expect(() => signIn({ auth: { token: jwtFor(60) }, refresh: 5 as never })).toThrowError(
    /^refresh \(the refresh token\) must be a non-empty/,
  );
});

test('storage refuses a session it could not read back, and keeps no token', async () => {
  const storage = createAuthStorage({ authType: 'localstorage' });
  const unreadable = JSON.stringify({
    session: JSON.stringify({ id: 'x', token: 'secret' }),
    _persist: '{}',
  });
  localStorage.setItem('_auth', 'old');
  await expect(storage.setItem('_auth', unreadable)).rejects.toBeInstanceOf(AuthError);
  expect(localStorage.getItem('_auth')).toBeNull();
  // A signed-out state is removed without complaint.
  localStorage.setItem('_auth', 'old');
  await storage.setItem('_auth', JSON.stringify({ session: 'null', _persist: '{}' }));
  expect(localStorage.getItem('_auth')).toBeNull();
});

test('a sign-out from another tab ends only the session it names; a malformed one ends nothing', async () => {
  const hub = createChannelHub();
  const authName = uniqueAuthName();
  const { store } = await makeStore({ authName, listener: { crossTab: { channel: hub.as('A') } } });
  store.dispatch(signIn({ auth: { token: jwtFor(600) }, refresh: 'r1' }));
  const other = hub.as('B')(authName);
  const signOutNaming = async (ended: unknown): Promise<void> => {
    other.postMessage({ kind: 'redux-auth-kit/session', session: null, ended, stored: true });
    await vi.advanceTimersByTimeAsync(10);
  };

  for (const ended of [42, null, 'another-session']) await signOutNaming(ended);
  expect(store.getState().auth.session).not.toBeNull();
  await signOutNaming(store.getState().auth.session!.id);
  expect(store.getState().auth.session).toBeNull();
});
