// @vitest-environment jsdom
// Scheduling lateness in logical time: a 10-minute token is due for refresh at
// 9 minutes; the machine sleeps from 3 s to 9.5 minutes (`vi.setSystemTime`
// moves the clock and fires no timer, like a real sleep). Lateness is the time
// from waking — the first moment the overdue refresh could fire — to the call.
import { afterAll, afterEach, beforeEach, expect, test, vi } from 'vitest';
import {
  browserWakeSource,
  createRefresh,
  selectAuthExpiresAt,
  signIn,
  type RefreshApiResult,
} from 'redux-auth-kit';
import { makeStore, uniqueAuthName } from '../support/harness';
import { jwtFor } from '../support/jwt';
import { createMemoryStorage } from '../support/memoryStorage';
import { writeResults } from './results';

const T0 = new Date('2026-01-01T00:00:00Z').getTime();
const LIFETIME_S = 600;
/** Default margin: 60 s before expiry. */
const DUE_MS = (LIFETIME_S - 60) * 1000;
const SLEEP_FROM_MS = 3_000;
const WAKE_MS = 570_000;
/** Long enough for a timer that slept to end on its own. */
const LIMIT_MS = 20 * 60_000;

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  vi.useRealTimers();
});

const figures: Record<string, number | null> = {};
afterAll(() => writeResults('lateness', { dueAfterMs: DUE_MS, wokeAfterMs: WAKE_MS, lateMs: figures }));

const cases = [
  { name: 'visibilitychange', event: true, wallClockCheck: undefined },
  { name: 'no event, wall-clock check (default 10 s)', event: false, wallClockCheck: undefined },
  { name: 'no event, wall-clock check off', event: false, wallClockCheck: 0 },
] as const;

test.each(cases)('lateness after a sleep: $name', async ({ name, event, wallClockCheck }) => {
  const calls: number[] = [];
  const { store } = await makeStore({
    authName: uniqueAuthName(),
    storage: createMemoryStorage().storage,
    refresh: createRefresh({
      refreshApiCallback: async (): Promise<RefreshApiResult> => {
        calls.push(Date.now());
        return { isSuccess: true, newAuthToken: jwtFor(LIFETIME_S) };
      },
    }),
    listener: {
      wake: browserWakeSource,
      ...(wallClockCheck !== undefined && { wallClockCheck }),
    },
  });
  store.dispatch(signIn({ auth: { token: jwtFor(LIFETIME_S) }, refresh: 'rt-1' }));
  expect(selectAuthExpiresAt(store.getState())).toBe(T0 + LIFETIME_S * 1000);

  await vi.advanceTimersByTimeAsync(SLEEP_FROM_MS);
  vi.setSystemTime(T0 + WAKE_MS);
  if (event) document.dispatchEvent(new Event('visibilitychange'));
  await vi.advanceTimersByTimeAsync(LIMIT_MS);

  // A measurement, not a verdict: only check that nothing fired during the sleep.
  expect(calls.every((at) => at >= T0 + WAKE_MS)).toBe(true);
  figures[name] = calls.length === 0 ? null : calls[0]! - Math.max(T0 + DUE_MS, T0 + WAKE_MS);
});
