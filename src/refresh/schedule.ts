// When things are due, as pure functions of the state and the policy.
import { passed } from '../token';
import type { AuthSession, AuthState } from '../types';
import { canRefresh, canRestore, sessionEndsAt, type RefreshPolicy } from './decide';

/** `setTimeout` fires at once above this delay, so longer waits are taken in steps. */
export const MAX_TIMER_DELAY = 2 ** 31 - 1;

/** How long a refreshed token that arrived already expired waits before the next refresh. */
export const EXPIRED_ON_ARRIVAL_WAIT_MS = 30_000;

/** One thing the scheduler must do now. */
export type DueStep = 'end' | 'expire' | 'refresh';

/** `null` for a moment that never comes. */
const finite = (at: number): number | null => (at < Infinity ? at : null);

/**
 * When the session's access token should be refreshed: the earlier of
 * `interval` after it arrived and `expiry − margin`, with the margin capped at
 * half the token's lifetime so short tokens are never sent at the last instant.
 * A token that arrived already expired (a JWT without `iat`, `exp` within the
 * clock-skew tolerance, on a device whose clock is ahead) is refreshed at once
 * after a sign-in, but after a refresh only {@link EXPIRED_ON_ARRIVAL_WAIT_MS}
 * later: the server would answer the same way, and at once would be a loop.
 */
export function refreshDueAt(
  { expiresAt, receivedAt, generation }: AuthSession,
  policy: Pick<RefreshPolicy, 'intervalMs' | 'marginMs'>,
): number | null {
  const byInterval = policy.intervalMs === null ? Infinity : receivedAt + policy.intervalMs;
  let byExpiry = Infinity;
  if (expiresAt !== null) {
    const expiredOnArrival = generation > 0 && passed(expiresAt, receivedAt);
    byExpiry = expiredOnArrival
      ? receivedAt + EXPIRED_ON_ARRIVAL_WAIT_MS
      : expiresAt - Math.min(policy.marginMs, Math.max(0, expiresAt - receivedAt) / 2);
  }
  return finite(Math.min(byInterval, byExpiry));
}

/** When each step is due (epoch ms; `null`: never). */
export interface DueTimes {
  /** The session ends by itself: see `sessionEndsAt`. */
  end: number | null;
  /** The access token expires (unless already withdrawn). */
  expire: number | null;
  /** The next refresh: none while one is in flight; the retry time after a transient failure. */
  refresh: number | null;
}

const NEVER: DueTimes = { end: null, expire: null, refresh: null };

/** When each step is due for this state. */
export function dueTimes(
  { session, refresh, tokenExpired, restoring }: AuthState,
  policy: RefreshPolicy,
): DueTimes {
  if (session === null) {
    // Secure mode after a reload: the restoring refresh is due at once (or at its retry).
    if (!restoring || !canRestore(policy) || refresh.status === 'refreshing') return NEVER;
    return { end: null, expire: null, refresh: refresh.status === 'retrying' ? refresh.retryAt : 0 };
  }
  let refreshAt: number | null = null;
  if (canRefresh(session, policy) && refresh.status !== 'refreshing') {
    refreshAt = refresh.status === 'retrying' ? refresh.retryAt : refreshDueAt(session, policy);
  }
  return {
    end: sessionEndsAt(session, policy),
    expire: tokenExpired ? null : session.expiresAt,
    refresh: refreshAt,
  };
}

/** The earliest moment anything is due for this state, or `null` when nothing ever is. */
export function nextWakeAt(state: AuthState, policy: RefreshPolicy): number | null {
  const { end, expire, refresh } = dueTimes(state, policy);
  return finite(Math.min(end ?? Infinity, expire ?? Infinity, refresh ?? Infinity));
}

/** What must happen at `now`, in order. An ended session needs nothing else. */
export function dueSteps(state: AuthState, policy: RefreshPolicy, now: number): DueStep[] {
  const times = dueTimes(state, policy);
  if (passed(times.end, now)) return ['end'];
  const steps: DueStep[] = [];
  if (passed(times.expire, now)) steps.push('expire');
  if (passed(times.refresh, now)) steps.push('refresh');
  return steps;
}

/** What {@link backoffDelay} needs. */
export interface Backoff {
  /** Consecutive failures so far (0 before the first retry). */
  failures: number;
  baseMs: number;
  maxMs: number;
  /** A number in [0, 1). */
  random: number;
}

/**
 * Delay before retry number `failures + 1`: doubling from `baseMs`, capped at
 * `maxMs`, then jittered into its upper half so tabs and clients spread out.
 */
export function backoffDelay({ failures, baseMs, maxMs, random }: Backoff): number {
  const capped = Math.min(maxMs, baseMs * 2 ** Math.min(failures, 30));
  return Math.round(capped / 2 + (capped / 2) * random);
}

/** What {@link nextAttemptAt} needs. */
export interface NextAttempt extends Backoff {
  now: number;
  /** The attempt cannot start before this (a timed-out call still waiting out its grace). */
  notBefore: number;
}

/** When the next attempt after a transient failure is due (epoch ms). */
export const nextAttemptAt = (attempt: NextAttempt): number =>
  Math.max(attempt.now + backoffDelay(attempt), attempt.notBefore);
