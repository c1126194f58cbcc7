import { raise } from '../errors';
import { DEFAULT_AUTH_NAME } from '../persist/persistAuthReducer';
import type { AuthStorage } from '../persist/storage';
import type { CrossTabOptions } from '../tabs/options';
import { isFiniteNumber } from '../token';
import type { RefreshPolicy } from './decide';
import type { AuthListenerOptions, AuthLogger } from './options';
import { MAX_TIMER_DELAY } from './schedule';
import type { RefreshApiCallback, RefreshOptions } from './types';
import { browserWakeSource, type WakeSource } from './wake';

/** What {@link checkSeconds} checks. */
export interface SecondsRule {
  /** How the value is named in the message. */
  label: string;
  value: unknown;
  /** 0 is allowed (it turns something off). */
  zeroOk: boolean;
  /**
   * It is a single timer, so at most 2147483 s: timers above 2^31-1 ms fire at
   * once (the scheduler splits its own long waits, so `interval` and `margin`
   * are not single timers).
   */
  oneTimer: boolean;
}

/** Throws `invalid-option` naming the value unless it is undefined or a number of seconds the rule allows. */
export function checkSeconds({ label, value, zeroOk, oneTimer }: SecondsRule): void {
  if (value === undefined) return;
  const positive = isFiniteNumber(value) && (value > 0 || (zeroOk && value === 0));
  if (positive && (!oneTimer || value * 1000 <= MAX_TIMER_DELAY)) return;
  raise(
    'invalid-option',
    `${label} must be ${zeroOk ? '>= 0' : '> 0'} seconds${oneTimer ? ', at most 2147483' : ''}.`,
  );
}

/**
 * Validates refresh options: throws `AuthError` (`code: 'invalid-option'`)
 * for a missing callback or a bad duration.
 */
export function checkRefreshOptions(options: unknown): asserts options is RefreshOptions {
  const given = options as Partial<Record<keyof RefreshOptions, unknown>> | null | undefined;
  if (typeof given?.refreshApiCallback !== 'function') {
    raise('invalid-option', 'createRefresh: "refreshApiCallback" must be a function.');
  }
  const check = (name: keyof RefreshOptions, zeroOk: boolean, oneTimer: boolean): void =>
    checkSeconds({ label: `createRefresh: "${name}"`, value: given[name], zeroOk, oneTimer });
  check('interval', false, false);
  check('margin', true, false);
  check('timeout', false, true);
  check('retryDelay', false, true);
  check('maxRetryDelay', false, true);
}

/** Everything the refresh machinery runs on, resolved and validated once; durations in ms. */
export interface RefreshConfig<U = unknown> extends RefreshPolicy {
  authName: string;
  /** The app's refresh call, or `null` when sessions are never refreshed. */
  callback: RefreshApiCallback<U> | null;
  /** A refresh call counts as timed out after this long (the callers stop waiting). */
  timeoutMs: number;
  /** After the timeout the call keeps its `signal` this much longer: its answer may hold the only live refresh token. */
  graceMs: number;
  retryDelayMs: number;
  maxRetryDelayMs: number;
  /** Between wall-clock checks; 0: none. */
  wallClockMs: number;
  random: () => number;
  logger: AuthLogger;
  onRefreshError: ((error: unknown) => void) | null;
  wake: WakeSource | null;
  /** The storage given; the listener may still find the one `persistAuthReducer` made. */
  storage: AuthStorage | null;
  crossTab: CrossTabOptions | false;
}

const seconds = (value: number | undefined, fallback: number): number => (value ?? fallback) * 1000;

/** The refresh policy of `refresh` (secure mode aside: that is the storage's to say); durations in ms. */
export const refreshPolicy = (
  refresh: Pick<RefreshOptions, 'interval' | 'margin'> | undefined,
): RefreshPolicy => ({
  hasCallback: refresh !== undefined,
  intervalMs: refresh?.interval === undefined ? null : refresh.interval * 1000,
  marginMs: seconds(refresh?.margin, 60),
});

/** Resolves and validates the listener's options, throwing `AuthError('invalid-option')` for a bad one. */
export function resolveConfig<U>(options: AuthListenerOptions<U>): RefreshConfig<U> {
  const { refresh } = options;
  if (refresh !== undefined) checkRefreshOptions(refresh);
  checkSeconds({ label: '"wallClockCheck"', value: options.wallClockCheck, zeroOk: true, oneTimer: true });
  const timeoutMs = seconds(refresh?.timeout, 10);
  return {
    ...refreshPolicy(refresh),
    authName: options.authName ?? DEFAULT_AUTH_NAME,
    callback: refresh?.refreshApiCallback ?? null,
    timeoutMs,
    graceMs: timeoutMs / 2,
    retryDelayMs: seconds(refresh?.retryDelay, 2),
    maxRetryDelayMs: seconds(refresh?.maxRetryDelay, 60),
    wallClockMs: seconds(options.wallClockCheck, 10),
    random: options.random ?? Math.random,
    logger: options.logger ?? console,
    onRefreshError: options.onRefreshError ?? null,
    wake: options.wake === false ? null : (options.wake ?? browserWakeSource),
    storage: options.storage ?? null,
    crossTab: options.crossTab ?? {},
  };
}
