import { describe, expect, test, vi } from 'vitest';
import {
  createRefresh,
  refreshNow,
  selectAuthHeader,
  selectAuthToken,
  selectIsAuthenticated,
  selectRefreshToken,
  signIn,
  signOut,
  type RefreshApiCallbackParam,
  type RefreshApiResult,
} from 'redux-auth-kit';
import { withFakeClock } from './support/clock';
import { jwtFor } from './support/jwt';
import { makeStore, uniqueAuthName } from './support/harness';
import { createMemoryStorage } from './support/memoryStorage';

withFakeClock();

/** A callback whose calls stay pending until the test answers them. */
function pendingCallback() {
  const calls: Array<{
    param: RefreshApiCallbackParam;
    resolve: (result: RefreshApiResult) => void;
    reject: (error: unknown) => void;
  }> = [];
  const callback = vi.fn(
    (param: RefreshApiCallbackParam) =>
      new Promise<RefreshApiResult>((resolve, reject) => calls.push({ param, resolve, reject })),
  );
  return { calls, callback };
}

async function setup() {
  const pending = pendingCallback();
  const memory = createMemoryStorage();
  const authName = uniqueAuthName();
  const made = await makeStore({
    authName,
    storage: memory.storage,
    refresh: createRefresh({ refreshApiCallback: pending.callback }),
  });
  return { ...made, ...memory, ...pending, authName };
}

describe('sign-out while a refresh is in flight', () => {
  test('a late success after sign-out is ignored and nothing reaches storage', async () => {
    const { store, persistor, data, calls, callback } = await setup();
    const token = jwtFor(600);
    store.dispatch(signIn({ auth: { token }, refresh: 'refresh-1' }));
    await persistor.flush();
    expect(data.size).toBe(1);

    const outcome = store.dispatch(refreshNow());
    expect(callback).toHaveBeenCalledTimes(1);
    const { signal } = calls[0]!.param;
    expect(signal.aborted).toBe(false);

    store.dispatch(signOut());
    expect(signal.aborted).toBe(true);
    const signedOutState = store.getState().auth;
    await persistor.flush();
    expect(data.size).toBe(0);

    const late = jwtFor(600);
    calls[0]!.resolve({ isSuccess: true, newAuthToken: late, newRefreshToken: 'refresh-2' });
    await vi.advanceTimersByTimeAsync(0);
    await expect(outcome).resolves.toEqual({ ok: false, reason: 'signed-out' });

    expect(store.getState().auth).toEqual(signedOutState);
    expect(selectIsAuthenticated(store.getState())).toBe(false);
    expect(selectAuthHeader(store.getState())).toBeNull();
    expect(selectRefreshToken(store.getState())).toBeNull();

    await persistor.flush();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(data.size).toBe(0);
    for (const value of data.values()) {
      for (const secret of [late, token, 'refresh-1', 'refresh-2']) expect(value).not.toContain(secret);
    }
  });

  test('a late result from before sign-out does not replace the token of a new sign-in', async () => {
    const { store, persistor, data, authName, calls } = await setup();
    store.dispatch(signIn({ auth: { token: jwtFor(600) }, refresh: 'refresh-old' }));
    void store.dispatch(refreshNow());
    expect(calls).toHaveLength(1);

    store.dispatch(signOut());
    await vi.advanceTimersByTimeAsync(0);
    const fresh = jwtFor(600);
    store.dispatch(signIn({ auth: { token: fresh }, refresh: 'refresh-new' }));

    const late = jwtFor(600);
    calls[0]!.resolve({ isSuccess: true, newAuthToken: late, newRefreshToken: 'refresh-late' });
    await vi.advanceTimersByTimeAsync(0);

    expect(selectAuthToken(store.getState())).toBe(fresh);
    expect(selectRefreshToken(store.getState())).toBe('refresh-new');
    await persistor.flush();
    const stored = data.get(authName) ?? '';
    expect(stored).toContain(fresh);
    expect(stored).not.toContain(late);
    expect(stored).not.toContain('refresh-late');
  });

  test('a late result from before a new sign-in without sign-out does not replace the new token', async () => {
    const { store, calls } = await setup();
    store.dispatch(signIn({ auth: { token: jwtFor(600) }, refresh: 'refresh-old' }));
    void store.dispatch(refreshNow());
    const { signal } = calls[0]!.param;

    const fresh = jwtFor(600);
    store.dispatch(signIn({ auth: { token: fresh }, refresh: 'refresh-new' }));
    expect(signal.aborted).toBe(true);

    calls[0]!.resolve({ isSuccess: true, newAuthToken: jwtFor(600), newRefreshToken: 'refresh-late' });
    await vi.advanceTimersByTimeAsync(0);
    expect(selectAuthToken(store.getState())).toBe(fresh);
    expect(selectRefreshToken(store.getState())).toBe('refresh-new');
  });

  test('a refreshNow right after sign-out and a new sign-in starts its own call instead of joining the stale one', async () => {
    const { store, calls, callback } = await setup();
    store.dispatch(signIn({ auth: { token: jwtFor(600) }, refresh: 'refresh-old' }));
    const stale = store.dispatch(refreshNow());

    // All in one synchronous burst: the stale call has not settled yet.
    store.dispatch(signOut());
    store.dispatch(signIn({ auth: { token: jwtFor(600) }, refresh: 'refresh-new' }));
    const current = store.dispatch(refreshNow());

    expect(callback).toHaveBeenCalledTimes(2);
    expect(calls[1]?.param.refreshToken).toBe('refresh-new');
    const fresh = jwtFor(600);
    calls[1]!.resolve({ isSuccess: true, newAuthToken: fresh });
    calls[0]!.resolve({ isSuccess: true, newAuthToken: jwtFor(600), newRefreshToken: 'refresh-late' });

    await expect(current).resolves.toEqual({ ok: true });
    await expect(stale).resolves.toEqual({ ok: false, reason: 'signed-out' });
    expect(selectAuthToken(store.getState())).toBe(fresh);
    expect(selectRefreshToken(store.getState())).toBe('refresh-new');
  });
});

describe('single flight', () => {
  test('ten concurrent refreshNow dispatches make one call and all resolve { ok: true }', async () => {
    const { store, calls, callback } = await setup();
    store.dispatch(signIn({ auth: { token: jwtFor(600) }, refresh: 'refresh-1' }));

    const outcomes = Array.from({ length: 10 }, () => store.dispatch(refreshNow()));
    expect(callback).toHaveBeenCalledTimes(1);
    calls[0]!.resolve({ isSuccess: true, newAuthToken: jwtFor(600) });
    const results = await Promise.all(outcomes);

    expect(callback).toHaveBeenCalledTimes(1);
    for (const result of results) expect(result).toEqual({ ok: true });
  });

  test('ten concurrent refreshNow dispatches share one network failure', async () => {
    const { store, calls, callback } = await setup();
    store.dispatch(signIn({ auth: { token: jwtFor(600) }, refresh: 'refresh-1' }));

    const outcomes = Array.from({ length: 10 }, () => store.dispatch(refreshNow()));
    calls[0]!.reject(new TypeError('Failed to fetch'));
    const results = await Promise.all(outcomes);

    expect(callback).toHaveBeenCalledTimes(1);
    for (const result of results) expect(result).toEqual({ ok: false, reason: 'network' });
  });

  test('refreshNow while signed out resolves signed-out without calling the callback', async () => {
    const { store, callback } = await setup();
    await expect(store.dispatch(refreshNow())).resolves.toEqual({ ok: false, reason: 'signed-out' });
    expect(callback).not.toHaveBeenCalled();
  });
});
