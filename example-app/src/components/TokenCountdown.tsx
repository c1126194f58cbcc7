import { selectAuthExpiresAt } from 'redux-auth-kit';
import { useAuthHeader } from 'redux-auth-kit/react';
import { formatDuration, useAppSelector } from '../hooks';
import { selectNextRefreshAt } from '../selectors';

/**
 * The access token's remaining life as a number and a meter, with a tick
 * where the refresh is due. Once the token has expired (the library no longer
 * hands it out) it says so plainly instead of counting down to nothing.
 */
export function TokenCountdown({ now }: { now: number }) {
  const expiresAt = useAppSelector(selectAuthExpiresAt);
  const receivedAt = useAppSelector((state) => state.auth.session?.receivedAt ?? null);
  const dueAt = useAppSelector(selectNextRefreshAt);
  const handedOut = useAuthHeader() !== null;

  const lifetime = expiresAt === null || receivedAt === null ? null : expiresAt - receivedAt;
  const remaining = expiresAt === null ? null : expiresAt - now;
  const expired = !handedOut || (remaining !== null && remaining <= 0);
  const fraction =
    expired || remaining === null || lifetime === null || lifetime <= 0
      ? 0
      : Math.min(1, remaining / lifetime);
  const low = fraction < 0.25;
  // The meter empties from the right: the refresh is due where the remaining life equals expiry − due time.
  const tick =
    expired || expiresAt === null || lifetime === null || dueAt === null || lifetime <= 0
      ? null
      : (expiresAt - dueAt) / lifetime;

  return (
    <div
      className="countdown"
      data-testid="token-countdown"
      data-expires-at={expiresAt ?? ''}
      data-state={expired ? 'expired' : 'live'}
    >
      <span className="countdown-label">{expired ? 'Access token' : 'Access token expires in'}</span>
      <span className={`countdown-value${expired ? ' countdown-expired' : low ? ' countdown-low' : ''}`}>
        {expired ? 'Expired' : remaining === null ? '—' : formatDuration(remaining)}
      </span>
      <div
        className="meter"
        role="progressbar"
        aria-label="Access token lifetime left"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(fraction * 100)}
      >
        <div className={`meter-fill${low ? ' meter-low' : ''}`} style={{ width: `${fraction * 100}%` }} />
        {tick !== null && tick > 0 && tick < 1 && (
          <div className="meter-tick" style={{ left: `${tick * 100}%` }} title="Refresh due here" />
        )}
      </div>
      {expired && (
        <p className="countdown-note" data-testid="token-expired-note">
          {expiresAt === null ? 'It expired' : `It expired ${formatDuration(now - expiresAt)} ago`}; requests
          carry no token until a refresh succeeds.
        </p>
      )}
    </div>
  );
}
