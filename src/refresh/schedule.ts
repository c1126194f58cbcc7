import { passed } from '../token';
import type { AuthSession, AuthState } from '../types';

/** `setTimeout` fires at once above this delay, so longer waits are taken in steps. */
export const MAX_TIMER_DELAY = 2 ** 31 - 1;

/** The scheduling knobs, normalized to milliseconds. */
export interface SchedulePolicy {
  /** Whether the session can be refreshed at all (a callback is configured). */
  canRefresh: boolean;
  intervalMs: number | null;
  marginMs: number;
}

/** One thing the scheduler must do now. */
export type DueStep = 'end' | 'expire' | 'refresh';

/** `null` for a moment that never comes. */
const finite = (at: number): number | null => (at < Infinity ? at : null);

/** How long a refreshed token that arrived already expired waits before the next refresh. */
export const EXPIRED_ON_ARRIVAL_WAIT_MS = 30_000;

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
  policy: SchedulePolicy,
): number | null {
  const expiredOnArrival = generation > 0 && passed(expiresAt, receivedAt);
  return finite(
    Math.min(
      receivedAt + (policy.intervalMs ?? Infinity),
      expiresAt === null
        ? Infinity
        : expiredOnArrival
          ? receivedAt + EXPIRED_ON_ARRIVAL_WAIT_MS
          : expiresAt - Math.min(policy.marginMs, Math.max(0, expiresAt - receivedAt) / 2),
    ),
  );
}

/** What can become due, in the order {@link dueTimes} times them and {@link dueSteps} runs them. */
const STEPS: readonly DueStep[] = ['end', 'expire', 'refresh'];

/**
 * When each step is due (`null`: never): the session ends by itself when its
 * refresh token expires, or its access token if it cannot be refreshed; the
 * access token expires (unless already withdrawn); the next refresh (none while
 * one is in flight; a retry when the last one failed transiently).
 */
function dueTimes({ session, refresh, tokenExpired }: AuthState, policy: SchedulePolicy): (number | null)[] {
  if (session === null) return [];
  const refreshable = policy.canRefresh && session.refreshToken !== null;
  return [
    refreshable ? session.refreshExpiresAt : session.expiresAt,
    tokenExpired ? null : session.expiresAt,
    !refreshable || refresh.status === 'refreshing'
      ? null
      : refresh.status === 'retrying'
        ? refresh.retryAt
        : refreshDueAt(session, policy),
  ];
}

/** The earliest moment anything is due for this state, or `null` when nothing ever is. */
export function nextWakeAt(state: AuthState, policy: SchedulePolicy): number | null {
  return finite(Math.min(...dueTimes(state, policy).map((t) => t ?? Infinity)));
}

/** What must happen at `now`, in order. An ended session needs nothing else. */
export function dueSteps(state: AuthState, policy: SchedulePolicy, now: number): DueStep[] {
  const times = dueTimes(state, policy);
  const steps = STEPS.filter((_, i) => passed(times[i], now));
  return steps[0] === 'end' ? ['end'] : steps;
}

/**
 * Delay before retry number `failures + 1`: doubling from `baseMs`, capped at
 * `maxMs`, then jittered into its upper half so tabs and clients spread out.
 */
export function backoffDelay(failures: number, baseMs: number, maxMs: number, random: number): number {
  const capped = Math.min(maxMs, baseMs * 2 ** Math.min(failures, 30));
  return Math.round(capped / 2 + (capped / 2) * random);
}
