import { useRefreshStatus } from 'redux-auth-kit/react';
import { formatDuration, formatTime, useAppSelector } from '../hooks';
import { selectNextRefreshAt } from '../selectors';

/** Where the schedule stands, as the indicator shows it. */
type NextRefreshState = 'scheduled' | 'due' | 'refreshing' | 'retrying' | 'none';

/**
 * "Next refresh in 12 s": when the library will refresh, worked out by
 * `nextRefreshAt` from the state and the very `refresh` options the store
 * runs with, so it shows the scheduler's own decision rather than a guess.
 */
export function NextRefresh({ now }: { now: number }) {
  const at = useAppSelector(selectNextRefreshAt);
  const status = useRefreshStatus();

  const state: NextRefreshState =
    status === 'refreshing'
      ? 'refreshing'
      : at === null
        ? 'none'
        : status === 'retrying'
          ? 'retrying'
          : at <= now
            ? 'due'
            : 'scheduled';
  const text: Record<NextRefreshState, string> = {
    scheduled: `Next refresh in ${formatDuration((at ?? now) - now)}`,
    due: 'Refresh due now',
    refreshing: 'Refreshing now…',
    retrying: `Next try in ${formatDuration((at ?? now) - now)}`,
    none: 'No refresh scheduled',
  };

  return (
    <p className="next-refresh" data-testid="next-refresh" data-state={state} data-at={at ?? ''}>
      <span className="next-refresh-icon" aria-hidden="true">
        ↻
      </span>
      <span className="next-refresh-text" data-testid="next-refresh-text">
        {text[state]}
      </span>
      {at !== null && state !== 'refreshing' && <span className="muted small">at {formatTime(at)}</span>}
    </p>
  );
}
