import { nanoid } from '@reduxjs/toolkit';
import { expired, passed, readTokens, type TokenFieldNames } from './token';
import type { AuthSession, AuthState, SessionRef, SignInParams } from './types';

/** The sign-in fields, as error messages name them. */
const SIGN_IN_FIELDS: TokenFieldNames = {
  token: 'auth.token',
  type: 'auth.type',
  lifetime: 'auth.expiresIn',
  refreshToken: 'refresh (the refresh token)',
  refreshLifetime: 'refreshExpiresIn',
};

/**
 * Orders two sessions: by generation within one session, else by sign-in time,
 * and for two sign-ins in the same millisecond by id, so every tab picks the
 * same winner whatever order its news arrives in. Negative when `a` is older.
 */
export function compareSessions(a: AuthSession, b: AuthSession): number {
  if (a.id === b.id) return a.generation - b.generation;
  if (a.startedAt !== b.startedAt) return a.startedAt - b.startedAt;
  return a.id < b.id ? -1 : 1;
}

/** Whether `candidate` replaces `current`: a later generation of the same session, or a later sign-in. */
export const isNewerSession = (candidate: AuthSession, current: AuthSession): boolean =>
  compareSessions(candidate, current) > 0;

/** The reference to a session's current generation. */
export const refOf = (session: AuthSession): SessionRef => ({
  sessionId: session.id,
  generation: session.generation,
});

/**
 * What a refresh of no session yet is started for: secure mode's restore after a reload, where
 * storage held only the hint that a session may exist.
 */
export const RESTORE_REF: SessionRef = { sessionId: '', generation: 0 };

/** Whether `state` still holds the session generation `ref` names (for `RESTORE_REF`: still restoring, without a session). */
export function isCurrent(state: AuthState, ref: SessionRef): boolean {
  const { session } = state;
  if (ref.sessionId === RESTORE_REF.sessionId) return session === null && state.restoring;
  return session !== null && session.id === ref.sessionId && session.generation === ref.generation;
}

// The latest sign-in time this page has stamped or seen (a session adopted from another tab).
let latestStart = -Infinity;

/**
 * When a sign-in at `now` starts: never before a session this page already
 * knows, so a sign-in in the same millisecond as one before it (sign out and in
 * again, or over a session just adopted from another tab) is still the later
 * one in every tab — a thousandth of a millisecond later.
 */
export function signInStartedAt(now: number): number {
  latestStart = Math.max(now, latestStart + 0.001);
  return latestStart;
}

/** Notes a session this page holds, so later sign-ins here start after it. */
export function noteSessionStart(startedAt: number): void {
  latestStart = Math.max(latestStart, startedAt);
}

/**
 * Builds the session a sign-in starts, or throws `AuthError` for a token that
 * is malformed, opaque without an expiry, or already expired.
 */
export function sessionFromSignIn<U>(params: SignInParams<U>, now: number, startedAt = now): AuthSession<U> {
  // Missing or non-object params or `auth` read as empty: the missing token is refused, naming `auth.token`.
  const { auth, refresh, refreshExpiresIn, userState = null }: Partial<SignInParams<U>> = Object(params);
  const { token, type = 'Bearer', expiresIn }: Partial<SignInParams['auth']> = Object(auth);
  const {
    refreshToken = null,
    refreshExpiresAt,
    ...tokens
  } = readTokens(
    {
      token,
      type,
      lifetime: expiresIn,
      refreshToken: refresh ?? undefined,
      refreshLifetime: refreshExpiresIn,
    },
    { names: SIGN_IN_FIELDS, now, opaque: { accepted: false, needs: SIGN_IN_FIELDS.lifetime } },
  );
  // An access token past its expiry (accepted within the clock-skew tolerance) is only worth a
  // session when a refresh token can renew it at once.
  if (refreshToken === null && passed(tokens.expiresAt, now)) expired(SIGN_IN_FIELDS.token);
  // Without a refresh token, a refresh lifetime has nothing to apply to.
  const refreshAt = refreshToken === null ? null : (refreshExpiresAt ?? null);
  // A refresh JWT without `iat` may expire within the skew tolerance: already unusable.
  if (passed(refreshAt, now)) expired(SIGN_IN_FIELDS.refreshToken);
  return {
    id: nanoid(),
    generation: 0,
    ...tokens,
    startedAt,
    refreshToken,
    refreshExpiresAt: refreshAt,
    userState,
  };
}
