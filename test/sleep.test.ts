import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import {
  createRefresh,
  selectAuthHeader,
  signIn,
  type RefreshApiCallbackParam,
  type RefreshApiResult,
} from 'redux-auth-kit';
import { jwtFor } from './support/jwt';
import { makeStore, uniqueAuthName } from './support/harness';
import { createMemoryStorage } from './support/memoryStorage';

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

test('after a machine sleeps past expiry the expired token is withdrawn within a second, with no wake event', async () => {
  const pending: Array<(result: RefreshApiResult) => void> = [];
  const refreshApiCallback = vi.fn(
    (_param: RefreshApiCallbackParam) => new Promise<RefreshApiResult>((resolve) => pending.push(resolve)),
  );
  const { store } = await makeStore({
    authName: uniqueAuthName(),
    storage: createMemoryStorage().storage,
    refresh: createRefresh({ refreshApiCallback }),
    listener: { wallClockCheck: 1 },
  });
  const token = jwtFor(600);
  store.dispatch(signIn({ auth: { token }, refresh: 'r1' }));
  await vi.advanceTimersByTimeAsync(1_000);
  expect(selectAuthHeader(store.getState())).toBe(`Bearer ${token}`);

  // The machine sleeps for 20 minutes: the clock jumps and no timer fires on its own.
  vi.setSystemTime(Date.now() + 20 * 60_000);
  await vi.advanceTimersByTimeAsync(999);
  expect(refreshApiCallback).not.toHaveBeenCalled();
  await vi.advanceTimersByTimeAsync(1);
  expect(selectAuthHeader(store.getState())).toBeNull();
  expect(refreshApiCallback).toHaveBeenCalledTimes(1);
  expect(refreshApiCallback.mock.calls[0]![0]).not.toHaveProperty('authToken');
});
