// @vitest-environment jsdom
// Waking up: the wall-clock check (a machine that slept fires no timer), wake-up events, and long waits.
import { afterEach, describe, expect, test, vi } from 'vitest';
import {
  browserWakeSource,
  createRefresh,
  selectAuthHeader,
  signIn,
  type RefreshApiCallbackParam,
  type RefreshApiResult,
  type WakeReason,
  type WakeSource,
} from 'redux-auth-kit';
import { withFakeClock } from './support/clock';
import { jwtFor } from './support/jwt';
import { makeStore, uniqueAuthName } from './support/harness';
import { createMemoryStorage } from './support/memoryStorage';

// Before the clock, so that it runs after real timers are back (after-hooks run in reverse order).
afterEach(() => {
  setVisibility('visible');
});
withFakeClock();

function setVisibility(state: DocumentVisibilityState): void {
  Object.defineProperty(document, 'visibilityState', { value: state, configurable: true });
}

/** A refresh callback whose calls hang until the test answers them. */
function hangingRefresh() {
  const pending: Array<(result: RefreshApiResult) => void> = [];
  const refreshApiCallback = vi.fn(
    (_param: RefreshApiCallbackParam) => new Promise<RefreshApiResult>((resolve) => pending.push(resolve)),
  );
  return { refreshApiCallback, refresh: createRefresh({ refreshApiCallback }) };
}

/** A wake-up source the test fires by hand. */
function manualWake() {
  let fire: ((reason: WakeReason) => void) | undefined;
  const wake: WakeSource = (onWake) => {
    fire = onWake;
    return () => (fire = undefined);
  };
  return { wake, fire: (reason: WakeReason) => fire?.(reason) };
}

/** Counts every timer callback that runs, wall-clock checks and scheduled waits alike. */
function countTimerCallbacks() {
  const counter = { fired: 0 };
  const wrap =
    <A extends unknown[]>(callback: (...args: A) => void) =>
    (...args: A): void => {
      counter.fired += 1;
      callback(...args);
    };
  const { setInterval: interval, setTimeout: timeout } = globalThis;
  vi.spyOn(globalThis, 'setInterval').mockImplementation(((callback: () => void, ms?: number) =>
    interval(wrap(callback), ms)) as typeof setInterval);
  vi.spyOn(globalThis, 'setTimeout').mockImplementation(((callback: () => void, ms?: number) =>
    timeout(wrap(callback), ms)) as typeof setTimeout);
  return counter;
}

/** A store signed in with a ten-minute token and wake-ups from `wake`. */
async function signedIn(options: { wake?: WakeSource | false; wallClockCheck?: number } = {}) {
  const { refreshApiCallback, refresh } = hangingRefresh();
  const { store } = await makeStore({
    authName: uniqueAuthName(),
    storage: createMemoryStorage().storage,
    refresh,
    listener: {
      wake: options.wake ?? false,
      ...(options.wallClockCheck !== undefined && { wallClockCheck: options.wallClockCheck }),
    },
  });
  const token = jwtFor(600);
  store.dispatch(signIn({ auth: { token }, refresh: 'r1' }));
  await vi.advanceTimersByTimeAsync(1_000);
  expect(selectAuthHeader(store.getState())).toBe(`Bearer ${token}`);
  return { store, refreshApiCallback };
}

/** The machine sleeps for 20 minutes: the clock jumps and no timer fires on its own. */
const sleep20Minutes = (): void => void vi.setSystemTime(Date.now() + 20 * 60_000);

describe('the wall-clock check', () => {
  test('a signed-in, idle, visible tab wakes at most 6 times a minute', async () => {
    const timers = countTimerCallbacks();
    const { refreshApiCallback } = await signedIn();
    timers.fired = 0;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(timers.fired).toBeLessThanOrEqual(6);
    expect(timers.fired).toBeGreaterThan(0);
    expect(refreshApiCallback).not.toHaveBeenCalled();
  });

  test('after a machine sleeps past expiry, with no wake event, the refresh goes out within the 10 s check', async () => {
    const { store, refreshApiCallback } = await signedIn();
    sleep20Minutes();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(selectAuthHeader(store.getState())).toBeNull();
    expect(refreshApiCallback).toHaveBeenCalledTimes(1);
    expect(refreshApiCallback.mock.calls[0]![0]).not.toHaveProperty('authToken');
  });

  test('after a machine sleeps past expiry the expired token is withdrawn within a second, with no wake event', async () => {
    const { store, refreshApiCallback } = await signedIn({ wallClockCheck: 1 });
    sleep20Minutes();
    await vi.advanceTimersByTimeAsync(999);
    expect(refreshApiCallback).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(selectAuthHeader(store.getState())).toBeNull();
    expect(refreshApiCallback).toHaveBeenCalledTimes(1);
    expect(refreshApiCallback.mock.calls[0]![0]).not.toHaveProperty('authToken');
  });

  test('a wake-up event after a sleep refreshes at once', async () => {
    const wake = manualWake();
    const { store, refreshApiCallback } = await signedIn({ wake: wake.wake });
    sleep20Minutes();
    wake.fire('focus');
    await vi.advanceTimersByTimeAsync(1);
    expect(selectAuthHeader(store.getState())).toBeNull();
    expect(refreshApiCallback).toHaveBeenCalledTimes(1);
  });

  test('a hidden page is not checked; becoming visible checks at once', async () => {
    const { store, refreshApiCallback } = await signedIn({ wake: browserWakeSource });
    setVisibility('hidden');
    sleep20Minutes();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(refreshApiCallback).not.toHaveBeenCalled();
    setVisibility('visible');
    document.dispatchEvent(new Event('visibilitychange'));
    await vi.advanceTimersByTimeAsync(1);
    expect(selectAuthHeader(store.getState())).toBeNull();
    expect(refreshApiCallback).toHaveBeenCalledTimes(1);
  });

  test('a signed-out store runs no wall-clock check', async () => {
    const timers = countTimerCallbacks();
    await makeStore({ authName: uniqueAuthName(), storage: createMemoryStorage().storage });
    await vi.advanceTimersByTimeAsync(1_000);
    timers.fired = 0;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(timers.fired).toBe(0);
  });
});

describe('long waits', () => {
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
});
