import { describe, expect, test, vi } from 'vitest';
import {
  createRefresh,
  refreshNow,
  selectAuthToken,
  selectIsAuthenticated,
  selectRefreshStatus,
  signIn,
  type RefreshApiResult,
} from 'redux-auth-kit';
import { withFakeClock } from './support/clock';
import { jwtFor } from './support/jwt';
import { makeStore, uniqueAuthName } from './support/harness';
import { createMemoryStorage } from './support/memoryStorage';

withFakeClock();

/** A signed-in store over a counting storage, with the sign-in already written. */
async function signedIn(refreshApiCallback: () => Promise<RefreshApiResult>, interval?: number) {
  const authName = uniqueAuthName();
  const memory = createMemoryStorage();
  const made = await makeStore({
    authName,
    storage: memory.storage,
    refresh: createRefresh({
      refreshApiCallback,
      retryDelay: 1,
      ...(interval !== undefined && { interval }),
    }),
    listener: { random: () => 0 },
  });
  made.store.dispatch(
    signIn({ auth: { token: jwtFor(3600) }, refresh: 'rt-writes', refreshExpiresIn: 86_400 }),
  );
  await made.persistor.flush();
  await vi.advanceTimersByTimeAsync(50);
  const before = { ...memory.counts };
  return { ...made, ...memory, authName, before };
}

describe('a refresh costs one storage write', () => {
  test('one successful refreshNow causes exactly one setItem, even with time passing while it is in flight', async () => {
    const newToken = jwtFor(3600);
    let answer!: (result: RefreshApiResult) => void;
    const { store, persistor, counts, before, data, authName } = await signedIn(
      () => new Promise<RefreshApiResult>((resolve) => (answer = resolve)),
    );

    const outcome = store.dispatch(refreshNow());
    expect(selectRefreshStatus(store.getState())).toBe('refreshing');
    // redux-persist writes on timer ticks: a persisted status would be written here.
    await vi.advanceTimersByTimeAsync(500);
    expect(counts.setItem - before.setItem).toBe(0);
    answer({ isSuccess: true, newAuthToken: newToken, newRefreshToken: 'rt-writes-2' });
    await expect(outcome).resolves.toEqual({ ok: true });
    await vi.advanceTimersByTimeAsync(1_000);
    await persistor.flush();

    expect(counts.setItem - before.setItem).toBe(1);
    expect(counts.removeItem - before.removeItem).toBe(0);
    expect(data.get(authName)).toContain(newToken);
    expect(data.get(authName)).toContain('rt-writes-2');
  });

  test('one scheduled refresh at the interval causes exactly one setItem', async () => {
    const newToken = jwtFor(3600);
    const callback = vi.fn(async (): Promise<RefreshApiResult> => ({
      isSuccess: true,
      newAuthToken: newToken,
    }));
    const { store, persistor, counts, before } = await signedIn(callback, 10);

    await vi.advanceTimersByTimeAsync(10_000);
    expect(callback).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(2_000);
    await persistor.flush();

    expect(selectAuthToken(store.getState())).toBe(newToken);
    expect(counts.setItem - before.setItem).toBe(1);
    expect(counts.removeItem - before.removeItem).toBe(0);
  });

  test('a transient failure causes no storage write', async () => {
    const callback = vi.fn(async (): Promise<RefreshApiResult> => {
      throw new TypeError('Failed to fetch');
    });
    const { store, persistor, counts, before } = await signedIn(callback);

    await expect(store.dispatch(refreshNow())).resolves.toEqual({ ok: false, reason: 'network' });
    expect(selectRefreshStatus(store.getState())).toBe('retrying');
    await vi.advanceTimersByTimeAsync(300);
    await persistor.flush();

    expect(counts.setItem - before.setItem).toBe(0);
    expect(counts.removeItem - before.removeItem).toBe(0);
  });

  test('retries failing transiently until the access token expires write nothing', async () => {
    const callback = vi.fn(async (): Promise<RefreshApiResult> => {
      throw new TypeError('Failed to fetch');
    });
    const { store, persistor, counts, before } = await signedIn(callback);

    await vi.advanceTimersByTimeAsync(3_700_000);
    await persistor.flush();

    expect(callback.mock.calls.length).toBeGreaterThan(3);
    expect(selectIsAuthenticated(store.getState())).toBe(true);
    expect(store.getState().auth.tokenExpired).toBe(true);
    expect(counts.setItem - before.setItem).toBe(0);
    expect(counts.removeItem - before.removeItem).toBe(0);
  });
});

describe('with cross-tab coordination on', () => {
  test('one refresh still costs exactly one storage write, although the lock holder and redux-persist both write', async () => {
    const { createLockManager } = await import('./support/locks');
    const { createChannelHub } = await import('./support/channel');
    const memory = createMemoryStorage();
    const { store, persistor } = await makeStore({
      authName: uniqueAuthName(),
      storage: memory.storage,
      refresh: createRefresh({
        refreshApiCallback: async () => ({ isSuccess: true as const, newAuthToken: jwtFor(600) }),
      }),
      listener: { crossTab: { locks: createLockManager(), channel: createChannelHub() } },
    });
    store.dispatch(signIn({ auth: { token: jwtFor(600) }, refresh: 'rt-crosstab' }));
    await vi.advanceTimersByTimeAsync(100);
    await persistor.flush();
    const afterSignIn = memory.counts.setItem;
    expect(afterSignIn).toBe(1);

    await expect(store.dispatch(refreshNow())).resolves.toEqual({ ok: true });
    await vi.advanceTimersByTimeAsync(100);
    await persistor.flush();
    expect(memory.counts.setItem - afterSignIn).toBe(1);
  });
});
