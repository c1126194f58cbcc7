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

function refreshable(session: AuthSession, policy: SchedulePolicy): boolean {
  return policy.canRefresh && session.refreshToken !== null;
}

/**
 * When the session's access token should be refreshed: the earlier of
 * `interval` after it arrived and `expiry − margin`, with the margin capped at
 * half the token's lifetime so short tokens are never sent at the last instant.
 */
export function refreshDueAt(session: AuthSession, policy: SchedulePolicy): number | null {
  const byInterval = policy.intervalMs === null ? null : session.receivedAt + policy.intervalMs;
  if (session.expiresAt === null) return byInterval;
  const lifetime = Math.max(0, session.expiresAt - session.receivedAt);
  const byExpiry = session.expiresAt - Math.min(policy.marginMs, lifetime / 2);
  return byInterval === null ? byExpiry : Math.min(byInterval, byExpiry);
}

/** When the session ends by itself: refresh-token expiry, or access-token expiry if it cannot be refreshed. */
function endsAt(session: AuthSession, policy: SchedulePolicy): number | null {
  return refreshable(session, policy) ? session.refreshExpiresAt : session.expiresAt;
}

function nextRefreshAt(state: AuthState, session: AuthSession, policy: SchedulePolicy): number | null {
  if (!refreshable(session, policy)) return null;
  switch (state.refresh.status) {
    case 'refreshing':
      return null;
    case 'retrying':
      return state.refresh.retryAt;
    case 'idle':
      return refreshDueAt(session, policy);
  }
}

/** The earliest moment anything is due for this state, or `null` when nothing ever is. */
export function nextWakeAt(state: AuthState, policy: SchedulePolicy): number | null {
  const { session } = state;
  if (session === null) return null;
  const times = [
    endsAt(session, policy),
    state.tokenExpired ? null : session.expiresAt,
    nextRefreshAt(state, session, policy),
  ].filter((t): t is number => t !== null);
  return times.length === 0 ? null : Math.min(...times);
}

/** What must happen at `now`, in order. An ended session needs nothing else. */
export function dueSteps(state: AuthState, policy: SchedulePolicy, now: number): DueStep[] {
  const { session } = state;
  if (session === null) return [];
  const end = endsAt(session, policy);
  if (end !== null && end <= now) return ['end'];
  const steps: DueStep[] = [];
  if (!state.tokenExpired && session.expiresAt !== null && session.expiresAt <= now) steps.push('expire');
  const refreshAt = nextRefreshAt(state, session, policy);
  if (refreshAt !== null && refreshAt <= now) steps.push('refresh');
  return steps;
}

/**
 * Delay before retry number `failures + 1`: doubling from `baseMs`, capped at
 * `maxMs`, then jittered into its upper half so tabs and clients spread out.
 */
export function backoffDelay(failures: number, baseMs: number, maxMs: number, random: number): number {
  const capped = Math.min(maxMs, baseMs * 2 ** Math.min(failures, 30));
  return Math.round(capped / 2 + (capped / 2) * random);
}
