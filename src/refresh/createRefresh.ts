import { raise } from '../errors';
import { isFiniteNumber } from '../token';
import { MAX_TIMER_DELAY } from './schedule';
import type { RefreshOptions } from './types';

/**
 * Throws `invalid-option` naming `label` unless `value` is undefined or a number
 * of seconds: above 0 (or 0 when `zeroOk`), and when it is a single timer at
 * most 2147483 s, since timers above 2^31-1 ms fire at once (the scheduler
 * splits its own long waits, so `interval` and `margin` are not single timers).
 */
export function checkSeconds(label: string, value: unknown, zeroOk: boolean, oneTimer: boolean): void {
  if (
    value !== undefined &&
    !(
      isFiniteNumber(value) &&
      (value > 0 || (zeroOk && value === 0)) &&
      (!oneTimer || value * 1000 <= MAX_TIMER_DELAY)
    )
  ) {
    raise(
      'invalid-option',
      `${label} must be ${zeroOk ? '>= 0' : '> 0'} seconds${oneTimer ? ', at most 2147483' : ''}.`,
    );
  }
}

/**
 * Validates refresh options and returns them, typed. Throws `AuthError`
 * (`code: 'invalid-option'`) for a missing callback or a bad duration.
 */
export function createRefresh<U = unknown>(options: RefreshOptions<U>): RefreshOptions<U> {
  if (typeof (options as Partial<RefreshOptions<U>> | null)?.refreshApiCallback !== 'function') {
    raise('invalid-option', 'createRefresh: "refreshApiCallback" must be a function.');
  }
  const check = (name: keyof RefreshOptions<U>, zeroOk: boolean, oneTimer: boolean): void =>
    checkSeconds(`createRefresh: "${name}"`, options[name], zeroOk, oneTimer);
  check('interval', false, false);
  check('margin', true, false);
  check('timeout', false, true);
  check('retryDelay', false, true);
  check('maxRetryDelay', false, true);
  return options;
}
