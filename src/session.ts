import { nanoid } from '@reduxjs/toolkit';
import { expired, passed, readTokens, type TokenFields } from './token';
import type { AuthSession, SignInParams } from './types';

/** The sign-in fields, as error messages name them. */
const SIGN_IN_FIELDS: TokenFields = [
  'auth.token',
  'auth.type',
  'auth.expiresIn',
  'refresh (the refresh token)',
  'refreshExpiresIn',
];

/**
 * Whether `candidate` replaces `current`: a later generation of the same
 * session, or a session signed in later. How tabs converge whatever order
 * their news arrives in.
 */
export const isNewerSession = (candidate: AuthSession, current: AuthSession): boolean =>
  candidate.id === current.id
    ? candidate.generation > current.generation
    : candidate.startedAt > current.startedAt;

/**
 * Builds the session a sign-in starts, or throws `AuthError` for a token that
 * is malformed, opaque without an expiry, or already expired.
 */
export function sessionFromSignIn<U>(params: SignInParams<U>, now: number): AuthSession<U> {
  // Missing or non-object params or `auth` read as empty: the missing token is refused, naming `auth.token`.
  const { auth, refresh, refreshExpiresIn, userState = null }: Partial<SignInParams<U>> = Object(params);
  const { token, type = 'Bearer', expiresIn }: Partial<SignInParams['auth']> = Object(auth);
  const {
    refreshToken = null,
    refreshExpiresAt,
    ...tokens
  } = readTokens(
    [token, type, expiresIn, refresh ?? undefined, refreshExpiresIn],
    SIGN_IN_FIELDS,
    now,
    SIGN_IN_FIELDS[2],
  );
  // Without a refresh token, a refresh lifetime has nothing to apply to.
  const refreshAt = refreshToken === null ? null : (refreshExpiresAt ?? null);
  // A refresh JWT without `iat` may expire within the skew tolerance: already unusable.
  if (passed(refreshAt, now)) expired(SIGN_IN_FIELDS[3]);
  return {
    id: nanoid(),
    generation: 0,
    ...tokens,
    startedAt: now,
    refreshToken,
    refreshExpiresAt: refreshAt,
    userState,
  };
}
