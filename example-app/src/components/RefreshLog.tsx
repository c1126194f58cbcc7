import type { ActivityEntry, ActivityEvent } from '../activity';
import { formatTime, useAppSelector } from '../hooks';

const eventText: Record<ActivityEvent, string> = {
  'signed-in': 'Sign-in',
  restored: 'Restore',
  refresh: 'Refresh',
  'signed-out': 'Sign-out',
  'other-tab-sign-in': 'Sign-in',
  'other-tab-refresh': 'Refresh',
  'other-tab-sign-out': 'Sign-out',
  'other-tab-restore': 'Restore',
};

const outcomeText: Record<ActivityEntry['outcome'], string> = {
  ok: 'Succeeded',
  retrying: 'Failed · will retry',
  rejected: 'Rejected',
  info: '—',
};

const fromOtherTab = (entry: ActivityEntry): boolean => entry.event.startsWith('other-tab-');

/** The second half of the event cell: what started a refresh, or that another tab did it. */
const eventSource = (entry: ActivityEntry): string | null =>
  fromOtherTab(entry) ? 'other tab' : entry.trigger;

export function RefreshLog() {
  const entries = useAppSelector((state) => state.activity.entries);
  return (
    <section className="card log" aria-labelledby="log-title">
      <header className="card-head">
        <h2 id="log-title">Refresh log</h2>
        <span className="muted small">newest first</span>
      </header>
      {entries.length === 0 ? (
        <p className="muted">Nothing yet.</p>
      ) : (
        <table className="table" data-testid="refresh-log">
          {/* Fixed column widths (table-layout: fixed): a new row never moves the columns. */}
          <colgroup>
            <col className="col-time" />
            <col className="col-event" />
            <col className="col-outcome" />
            <col />
          </colgroup>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Event</th>
              <th scope="col">Outcome</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => {
              const source = eventSource(entry);
              return (
                <tr
                  key={entry.id}
                  data-testid="log-entry"
                  data-event={entry.event}
                  data-outcome={entry.outcome}
                  data-trigger={entry.trigger ?? ''}
                >
                  <td className="log-time mono">{formatTime(entry.at)}</td>
                  <td className="log-event">
                    {eventText[entry.event]}
                    {source !== null && (
                      <span className={fromOtherTab(entry) ? 'log-source-other' : 'muted'}> · {source}</span>
                    )}
                  </td>
                  <td className={`log-outcome log-outcome-${entry.outcome}`}>
                    <span className={`dot dot-${entry.outcome}`} aria-hidden="true" />
                    {outcomeText[entry.outcome]}
                  </td>
                  <td className="log-detail" data-testid="log-detail">
                    {entry.detail}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
