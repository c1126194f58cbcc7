import { useState, type FormEvent } from 'react';
import { AuthError } from 'redux-auth-kit';
import { useSignIn } from 'redux-auth-kit/react';
import type { SessionEndReason } from '../activity';
import { useAppSelector } from '../hooks';
import { login } from '../server';
import { authType } from '../store';
import type { User } from '../types';

const endedText: Record<SessionEndReason, string> = {
  user: 'You signed out.',
  rejected: 'Your session was ended by the server. Please sign in again.',
  expired: 'Your session expired. Please sign in again.',
  'other-tab': 'You were signed out in another tab. Sign in again to continue.',
  'left-secure-mode':
    'Secure mode kept the refresh token in a cookie no script can read, so the session could not move here. Sign in again.',
};

export function LoginPage() {
  const signIn = useSignIn<User>();
  const ended = useAppSelector((state) => state.activity.ended);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    // The inputs hold the values: read before the first await, while the event still has its form.
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      signIn(await login(String(form.get('username')), String(form.get('password')), authType));
    } catch (e) {
      if (e instanceof AuthError) setError(`The server sent an unusable token (${e.code}).`);
      else setError(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };

  return (
    <div className="login">
      <section className="login-intro">
        <h1>Stay signed in, safely.</h1>
        <p>
          This console signs you in with a short-lived JWT access token and a rotating refresh token.
          redux-auth-kit refreshes the access token before it expires, keeps the session across reloads, and
          signs you out cleanly when the server revokes it.
        </p>
        <ul className="checklist">
          <li>Refreshes are scheduled from the token&rsquo;s own lifetime</li>
          <li>Every refresh token is used exactly once</li>
          <li>Reloads restore the session without a login flash</li>
        </ul>
      </section>
      <form className="card login-card" onSubmit={onSubmit} data-testid="login-form">
        <h2>Sign in to Lumen</h2>
        {ended !== null && (
          <p
            className={`notice notice-${ended.reason}`}
            data-testid="session-ended"
            data-reason={ended.reason}
          >
            {endedText[ended.reason]}
          </p>
        )}
        <label className="field">
          <span>Username</span>
          <input
            name="username"
            autoComplete="username"
            defaultValue="ada.lovelace"
            required
            data-testid="login-username"
          />
        </label>
        <label className="field">
          <span>Password</span>
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            placeholder="Any password works in this demo"
            required
            data-testid="login-password"
          />
        </label>
        {error !== null && (
          <p className="notice notice-error" role="alert" data-testid="login-error">
            {error}
          </p>
        )}
        <button type="submit" className="button button-primary" disabled={busy} data-testid="login-submit">
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </div>
  );
}
