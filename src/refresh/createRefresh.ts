import { AuthError } from '../errors';
import type { RefreshOptions } from './types';

const SECONDS_OPTIONS = ['interval', 'margin', 'timeout', 'retryDelay', 'maxRetryDelay'] as const;

// Timers above 2^31-1 ms fire at once; the scheduler splits long waits, but these are single timers.
const TIMER_BOUNDED = new Set(['timeout', 'retryDelay', 'maxRetryDelay']);
const MAX_TIMER_SECONDS = (2 ** 31 - 1) / 1000;

function checkSeconds(name: string, value: unknown, allowZero: boolean): void {
  if (value === undefined) return;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (allowZero ? value >= 0 : value > 0) &&
    (!TIMER_BOUNDED.has(name) || value <= MAX_TIMER_SECONDS);
  if (!ok) {
    throw new AuthError(
      'invalid-option',
      `createRefresh: "${name}" must be a ${allowZero ? 'non-negative' : 'positive'} number of seconds` +
        (TIMER_BOUNDED.has(name) ? ` (at most ${Math.floor(MAX_TIMER_SECONDS)}).` : '.'),
    );
  }
}

/**
 * Validates refresh options and returns them, typed. Throws `AuthError`
 * (`code: 'invalid-option'`) for a missing callback or a bad duration.
 */
export function createRefresh<U = unknown>(options: RefreshOptions<U>): RefreshOptions<U> {
  if (typeof options !== 'object' || options === null) {
    throw new AuthError('invalid-option', 'createRefresh expects an options object.');
  }
  if (typeof options.refreshApiCallback !== 'function') {
    throw new AuthError('invalid-option', 'createRefresh: "refreshApiCallback" must be a function.');
  }
  for (const name of SECONDS_OPTIONS) checkSeconds(name, options[name], name === 'margin');
  return options;
}
