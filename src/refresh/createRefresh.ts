import { raise } from '../errors';
import { isFiniteNumber } from '../token';
import { MAX_TIMER_DELAY } from './schedule';
import type { RefreshOptions } from './types';

// In this order: `margin` (index 1) may be 0; from `timeout` on (index 2+) each is a single
// timer, and timers above 2^31-1 ms fire at once (the scheduler splits its own long waits).
const SECONDS_OPTIONS = ['interval', 'margin', 'timeout', 'retryDelay', 'maxRetryDelay'] as const;

/**
 * Validates refresh options and returns them, typed. Throws `AuthError`
 * (`code: 'invalid-option'`) for a missing callback or a bad duration.
 */
export function createRefresh<U = unknown>(options: RefreshOptions<U>): RefreshOptions<U> {
  if (typeof (options as Partial<RefreshOptions<U>> | null)?.refreshApiCallback !== 'function') {
    raise('invalid-option', 'createRefresh: "refreshApiCallback" must be a function.');
  }
  SECONDS_OPTIONS.forEach((name, i) => {
    const value = options[name];
    if (
      value !== undefined &&
      !(
        isFiniteNumber(value) &&
        (value > 0 || (i === 1 && value === 0)) &&
        (i < 2 || value * 1000 <= MAX_TIMER_DELAY)
      )
    ) {
      // 2147483 s: MAX_TIMER_DELAY in whole seconds.
      raise(
        'invalid-option',
        `createRefresh: "${name}" must be ${i === 1 ? '>= 0' : '> 0'} seconds${i < 2 ? '' : ', at most 2147483'}.`,
      );
    }
  });
  return options;
}
