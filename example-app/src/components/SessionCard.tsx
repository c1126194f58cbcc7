import { useState } from 'react';
import { selectAuthExpiresAt } from 'redux-auth-kit';
import { useAuthHeader, useRefreshNow, useRefreshStatus } from 'redux-auth-kit/react';
import { manualRefreshRequested, manualRefreshSettled } from '../activity';
import { formatDuration, formatTime, useAppDispatch, useAppSelector, useNow } from '../hooks';
import { MODES } from '../modes';
import { authType } from '../store';
import { NextRefresh } from './NextRefresh';
import { TokenCountdown } from './TokenCountdown';

/** `Bearer eyJhbGciOi…k3Fq`: enough to see the token change, not enough to copy it. */
const maskHeader = (header: string): string => {
  const [type, token = ''] = header.split(' ');
  return `${type} ${token.slice(0, 10)}…${token.slice(-4)}`;
};

const statusText = { idle: 'Up to date', refreshing: 'Refreshing…', retrying: 'Retrying' } as const;

export function SessionCard() {
  const receivedAt = useAppSelector((state) => state.auth.session?.receivedAt ?? 0);
  // The clock ticks every 200 ms, but a new token re-renders at once: without the max, "now" would
  // still be the tick before it arrived, and a 3 s wait would read "4 s" until the next tick.
  const now = Math.max(useNow(200), receivedAt);
  const dispatch = useAppDispatch();
  const refreshNow = useRefreshNow();
  const status = useRefreshStatus();
  const header = useAuthHeader();
  const expiresAt = useAppSelector(selectAuthExpiresAt);
  const refreshExpiresAt = useAppSelector((state) => state.auth.session?.refreshExpiresAt ?? null);
  const retryAt = useAppSelector((state) => state.auth.refresh.retryAt);
  const [busy, setBusy] = useState(false);

  const onRefresh = async () => {
    setBusy(true);
    dispatch(manualRefreshRequested());
    try {
      await refreshNow();
    } finally {
      dispatch(manualRefreshSettled());
      setBusy(false);
    }
  };

  return (
    <section className="card session" aria-labelledby="session-title">
      <header className="card-head">
        <h2 id="session-title">Session</h2>
        <span className={`pill pill-${status}`} data-testid="refresh-status" data-status={status}>
          {statusText[status]}
          {status === 'retrying' && retryAt !== null && ` in ${formatDuration(retryAt - now)}`}
        </span>
      </header>
      <TokenCountdown now={now} />
      <NextRefresh now={now} />
      <dl className="facts">
        <div>
          <dt>Access token</dt>
          <dd>
            {expiresAt === null
              ? '—'
              : `${expiresAt <= now ? 'expired at' : 'until'} ${formatTime(expiresAt)}`}
          </dd>
        </div>
        <div>
          <dt>Refresh token</dt>
          <dd data-testid="refresh-token-validity">
            {refreshExpiresAt === null ? '—' : `valid ${formatDuration(refreshExpiresAt - now)}`}
            {authType === 'memory' && ' · in an HttpOnly cookie'}
          </dd>
        </div>
        <div>
          <dt>Authorization</dt>
          <dd className="mono" data-testid="auth-header" data-live={header !== null}>
            {header === null ? 'none until the next refresh' : maskHeader(header)}
          </dd>
        </div>
        <div>
          <dt>Stored in</dt>
          <dd data-testid="storage-mode">{MODES[authType].storedIn}</dd>
        </div>
      </dl>
      <button
        type="button"
        className="button button-primary"
        onClick={() => void onRefresh()}
        disabled={busy}
        data-testid="refresh-now"
      >
        {busy ? 'Refreshing…' : 'Refresh now'}
      </button>
    </section>
  );
}
