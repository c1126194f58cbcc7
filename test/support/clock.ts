// The fake clock the time-based tests run on.
import { afterEach, beforeEach, vi } from 'vitest';

/** The instant every fake clock starts at: 2026-01-01T00:00:00Z, in epoch ms. */
export const T0 = new Date('2026-01-01T00:00:00Z').getTime();

/**
 * Only timers and the clock: for tests over real sockets, which need the real `setImmediate`,
 * `nextTick` and microtasks.
 */
export const TIMERS_AND_DATE = [
  'setTimeout',
  'clearTimeout',
  'setInterval',
  'clearInterval',
  'Date',
] as const;

export interface FakeClockOptions {
  /** What to fake (default: everything `vi.useFakeTimers()` fakes). */
  toFake?: readonly (typeof TIMERS_AND_DATE)[number][];
}

/**
 * Fake timers starting at {@link T0} before each test of the file (or of the `describe` it is
 * called in), real timers again after it.
 */
export function withFakeClock(options: FakeClockOptions = {}): void {
  beforeEach(() => {
    vi.useFakeTimers({ now: T0, ...(options.toFake !== undefined && { toFake: [...options.toFake] }) });
  });
  afterEach(() => {
    vi.useRealTimers();
  });
}
