import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { createRefresh, signIn } from 'redux-auth-kit';
import { jwtFor } from './support/jwt';
import { makeStore, uniqueAuthName } from './support/harness';
import { createMemoryStorage } from './support/memoryStorage';

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

test('a refresh due in sixty days does not fire early although the wait exceeds the 32-bit timer limit', async () => {
  const refreshApiCallback = vi.fn(async () => ({ isSuccess: true as const, newAuthToken: jwtFor(3600) }));
  const { store } = await makeStore({
    authName: uniqueAuthName(),
    storage: createMemoryStorage().storage,
    refresh: createRefresh({ refreshApiCallback }),
    listener: { wallClockCheck: 0 },
  });
  const day = 86_400_000;
  store.dispatch(signIn({ auth: { token: jwtFor(60 * 86_400) }, refresh: 'r' }));
  await vi.advanceTimersByTimeAsync(1_000);
  expect(refreshApiCallback).not.toHaveBeenCalled();
  await vi.advanceTimersByTimeAsync(30 * day);
  expect(refreshApiCallback).not.toHaveBeenCalled();
  // Due one minute before expiry.
  await vi.advanceTimersByTimeAsync(30 * day - 61_000 - 1_000);
  expect(refreshApiCallback).not.toHaveBeenCalled();
  await vi.advanceTimersByTimeAsync(1_000);
  expect(refreshApiCallback).toHaveBeenCalledTimes(1);
});
