import { nanoid } from '@reduxjs/toolkit';
import { AuthError } from './errors';
import { assertSeconds, assertTokenString, expiryOf, refreshExpiryOf } from './token';
import type { AuthSession, SignInParams } from './types';

/**
 * Builds the session a sign-in starts, or throws `AuthError` for a token that
 * is malformed, opaque without an expiry, or already expired.
 */
export function sessionFromSignIn<U>(params: SignInParams<U>, now: number): AuthSession<U> {
  const auth = (params as Partial<SignInParams<U>> | null)?.auth;
  if (typeof auth !== 'object' || auth === null) {
    throw new AuthError('invalid-token', 'signIn expects { auth: { token } }.');
  }
  const { token, type = 'Bearer', expiresIn } = auth;
  const expiresAt = expiryOf(token, expiresIn, now);
  assertTokenString(type, 'token type');
  const refreshToken = params.refresh ?? null;
  if (refreshToken !== null) assertTokenString(refreshToken, 'refresh token');
  assertSeconds(params.refreshExpiresIn, 'refreshExpiresIn', 'invalid-token');
  const refreshExpiresAt =
    refreshToken === null ? null : refreshExpiryOf(refreshToken, params.refreshExpiresIn, now);
  if (refreshExpiresAt !== null && refreshExpiresAt <= now) {
    throw new AuthError('token-expired', 'The refresh token has already expired.');
  }
  return {
    id: nanoid(),
    generation: 0,
    token,
    tokenType: type,
    expiresAt,
    receivedAt: now,
    startedAt: now,
    refreshToken,
    refreshExpiresAt,
    userState: params.userState ?? null,
  };
}
