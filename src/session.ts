import { nanoid } from '@reduxjs/toolkit';
import { expired, readTokens, type TokenFields } from './token';
import type { AuthSession, SignInParams } from './types';

/** The sign-in fields, as error messages name them. */
const SIGN_IN_FIELDS: TokenFields = [
  'auth.token',
  'auth.type',
  'auth.expiresIn',
  'refresh',
  'refreshExpiresIn',
];

/**
 * Builds the session a sign-in starts, or throws `AuthError` for a token that
 * is malformed, opaque without an expiry, or already expired.
 */
export function sessionFromSignIn<U>(params: SignInParams<U>, now: number): AuthSession<U> {
  // A missing or non-object `auth` reads as empty: its missing token is refused, naming `auth.token`.
  const {
    token,
    type = 'Bearer',
    expiresIn,
  }: Partial<SignInParams['auth']> = Object((params as Partial<SignInParams<U>> | null)?.auth);
  const {
    refreshToken = null,
    refreshExpiresAt,
    ...tokens
  } = readTokens(
    [token, type, expiresIn, params.refresh ?? undefined, params.refreshExpiresIn],
    SIGN_IN_FIELDS,
    now,
    false,
  );
  // Without a refresh token, a refresh lifetime has nothing to apply to.
  const refreshAt = refreshToken === null ? null : (refreshExpiresAt ?? null);
  // A refresh JWT without `iat` may expire within the skew tolerance: already unusable.
  if (refreshAt !== null && refreshAt <= now) expired(SIGN_IN_FIELDS[3]);
  return {
    id: nanoid(),
    generation: 0,
    ...tokens,
    startedAt: now,
    refreshToken,
    refreshExpiresAt: refreshAt,
    userState: params.userState ?? null,
  };
}
