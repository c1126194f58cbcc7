import type { ActivityEntry } from '../activity';
import { formatTime, useAppSelector } from '../hooks';

const eventText: Record<ActivityEntry['event'], string> = {
  'signed-in': 'Sign-in',
  restored: 'Restore',
  refresh: 'Refresh',
  'signed-out': 'Sign-out',
};

const outcomeText: Record<ActivityEntry['outcome'], string> = {
  ok: 'Succeeded',
  retrying: 'Failed · will retry',
  rejected: 'Rejected',
  info: '—',
};

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
          <thead>
            <tr>
              <th>Time</th>
              <th>Event</th>
              <th>Outcome</th>
              <th>Details</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr
                key={entry.id}
                data-testid="log-entry"
                data-event={entry.event}
                data-outcome={entry.outcome}
                data-trigger={entry.trigger ?? ''}
              >
                <td className="mono">{formatTime(entry.at)}</td>
                <td>
                  {eventText[entry.event]}
                  {entry.trigger !== null && <span className="muted"> · {entry.trigger}</span>}
                </td>
                <td>
                  <span className={`dot dot-${entry.outcome}`} aria-hidden="true" />
                  {outcomeText[entry.outcome]}
                </td>
                <td>{entry.detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
