import { nanoid } from '@reduxjs/toolkit';
import { fail } from './errors';
import { readTokens, type TokenFields } from './token';
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
  const auth = (params as Partial<SignInParams<U>> | null)?.auth;
  if (typeof auth !== 'object' || auth === null) fail('invalid-token', 'signIn expects { auth: { token } }.');
  const { token, type = 'Bearer', expiresIn } = auth;
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
  if (refreshAt !== null && refreshAt <= now) fail('token-expired', 'The token in refresh has expired.');
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
