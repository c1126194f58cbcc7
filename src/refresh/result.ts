import { AuthError } from '../errors';
import type { RefreshSucceededPayload, SessionRef } from '../slice';
import { assertSeconds, assertTokenString, expiryOf, refreshExpiryOf } from '../token';
import type { AuthSession } from '../types';

/** What a callback's result means, decided without side effects. */
export type ParsedResult<U> =
  | { kind: 'success'; payload: RefreshSucceededPayload<U> }
  | { kind: 'rejected' }
  | { kind: 'invalid'; problem: string };

/**
 * Validates what `refreshApiCallback` resolved with. Never throws: anything
 * malformed becomes `invalid`, with a message that names the field and holds no token.
 */
export function parseRefreshResult<U>(
  result: unknown,
  session: AuthSession<U>,
  ref: SessionRef,
  options: { intervalConfigured: boolean; now: number },
): ParsedResult<U> {
  if (typeof result !== 'object' || result === null) {
    return { kind: 'invalid', problem: 'the result must be an object with "isSuccess".' };
  }
  const r = result as Record<string, unknown>;
  if (r.isSuccess === false) return { kind: 'rejected' };
  // The checks below throw an AuthError whose message names the field.
  try {
    if (r.isSuccess !== true) throw new AuthError('invalid-option', '"isSuccess" must be true or false.');
    const { now } = options;
    const token = r.newAuthToken;
    assertTokenString(token, 'newAuthToken');
    const expireIn = r.newAuthTokenExpireIn;
    assertSeconds(expireIn, 'newAuthTokenExpireIn');
    const expiresAt = expiryOf(token, expireIn, now, 'newAuthToken', options.intervalConfigured);
    const type = r.newAuthTokenType ?? session.tokenType;
    assertTokenString(type, 'newAuthTokenType');
    const newRefresh = r.newRefreshToken;
    if (newRefresh !== undefined) assertTokenString(newRefresh, 'newRefreshToken');
    const refreshExpiresIn = r.newRefreshTokenExpiresIn;
    assertSeconds(refreshExpiresIn, 'newRefreshTokenExpiresIn');
    const payload: RefreshSucceededPayload<U> = {
      ...ref,
      token,
      tokenType: type,
      expiresAt,
      receivedAt: now,
    };
    if (newRefresh !== undefined) {
      payload.refreshToken = newRefresh;
      payload.refreshExpiresAt = refreshExpiryOf(newRefresh, refreshExpiresIn, now, 'newRefreshToken');
    } else if (refreshExpiresIn !== undefined) {
      payload.refreshExpiresAt = now + refreshExpiresIn * 1000;
    }
    if (r.newAuthUserState !== undefined) payload.userState = r.newAuthUserState as U | null;
    return { kind: 'success', payload };
  } catch (error) {
    if (error instanceof AuthError) return { kind: 'invalid', problem: error.message };
    throw error;
  }
}
