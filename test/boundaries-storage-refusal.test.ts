// @vitest-environment jsdom
// Storage that refuses a refreshed session (a cookie set over its chunk limit, a full
// localStorage) costs the stored copy, never the session: the next refresh still goes out.
import { beforeEach, expect, test, vi } from 'vitest';
import {
  AuthError,
  createAuthStorage,
  createRefresh,
  refreshNow,
  selectAuthToken,
  selectIsAuthenticated,
  signIn,
  type AuthStorage,
  type RefreshApiResult,
} from 'redux-auth-kit';
import { withFakeClock } from './support/clock';
import { createChannelHub } from './support/channel';
import { clearCookiesAndLocalStorage } from './support/cookies';
import { makeStore, uniqueAuthName } from './support/harness';
import { jwtFor } from './support/jwt';
import { createLockManager } from './support/locks';
import { createMemoryStorage } from './support/memoryStorage';

withFakeClock();
beforeEach(() => {
  clearCookiesAndLocalStorage();
});

/** A memory engine that, like a full localStorage, refuses any value longer than `limit`. */
function quotaStorage(limit: number): AuthStorage {
  const { storage } = createMemoryStorage();
  return {
    ...storage,
    setItem: async (key, value) => {
      if (value.length > limit) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      await storage.setItem(key, value);
    },
  };
}

test.each([
  ['cookie storage (over its chunk limit)', { authType: 'cookie' as const }],
  ['a storage over its quota', { storage: quotaStorage(8_000) }],
])(
  'a refreshed session refused by %s is kept, and the next refresh still calls the server',
  async (_what, persist) => {
    // The first refresh brings a token too large to store (about 20 kB: over 4 cookies of 4 kB,
    // over the quota); the next one a normal token. Access tokens live 60 s: refreshes at 30 s.
    const big = jwtFor(60, { padding: 'p'.repeat(20_000) });
    const answers: RefreshApiResult[] = [
      { isSuccess: true, newAuthToken: big },
      { isSuccess: true, newAuthToken: jwtFor(600) },
    ];
    const refreshApiCallback = vi.fn(async () => answers.shift() ?? { isSuccess: false as const });
    const { store } = await makeStore({
      authName: uniqueAuthName(),
      ...persist,
      refresh: createRefresh({ refreshApiCallback }),
      listener: { crossTab: { locks: createLockManager().manager, channel: createChannelHub() } },
    });
    store.dispatch(signIn({ auth: { token: jwtFor(60) }, refresh: 'rt-1' }));

    await vi.advanceTimersByTimeAsync(30_000);
    expect(refreshApiCallback).toHaveBeenCalledTimes(1);
    expect(selectAuthToken(store.getState())).toBe(big);

    // The big token is due for its refresh 30 s after it arrived.
    await vi.advanceTimersByTimeAsync(30_000);
    expect(selectIsAuthenticated(store.getState()), 'still signed in').toBe(true);
    expect(refreshApiCallback, 'the second refresh reached the server').toHaveBeenCalledTimes(2);
    expect(selectAuthToken(store.getState())).not.toBe(big);
    await expect(store.dispatch(refreshNow())).resolves.not.toEqual({ ok: false, reason: 'signed-out' });
  },
);

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
