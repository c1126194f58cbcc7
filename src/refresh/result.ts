import { AuthError } from '../errors';
import type { RefreshSucceededPayload, SessionRef } from '../slice';
import { assertSeconds, assertTokenString, expiryOf, refreshExpiryOf } from '../token';
import type { AuthSession } from '../types';

/** What a callback's result means, decided without side effects. */
export type ParsedResult<U> =
  | { kind: 'success'; payload: RefreshSucceededPayload<U> }
  | { kind: 'rejected' }
  | { kind: 'invalid'; field: string; problem: string };

function invalid(field: string, problem: string): { kind: 'invalid'; field: string; problem: string } {
  return { kind: 'invalid', field, problem };
}

function problemOf(check: () => void): string | null {
  try {
    check();
    return null;
  } catch (error) {
    if (error instanceof AuthError) return error.message;
    throw error;
  }
}

/**
 * Validates what `refreshApiCallback` resolved with. Never throws: anything
 * malformed becomes `invalid` naming the field, with a message free of tokens.
 */
export function parseRefreshResult<U>(
  result: unknown,
  session: AuthSession<U>,
  ref: SessionRef,
  options: { intervalConfigured: boolean; now: number },
): ParsedResult<U> {
  if (typeof result !== 'object' || result === null) {
    return invalid(
      'result',
      `expected an object with "isSuccess", got ${result === null ? 'null' : typeof result}`,
    );
  }
  const r = result as Record<string, unknown>;
  if (r.isSuccess === false) return { kind: 'rejected' };
  if (r.isSuccess !== true) return invalid('isSuccess', 'must be true or false');

  const { now } = options;
  const token = r.newAuthToken;
  const tokenProblem = problemOf(() => assertTokenString(token, 'newAuthToken'));
  if (tokenProblem !== null) return invalid('newAuthToken', tokenProblem);
  const expireIn = r.newAuthTokenExpireIn;
  const expireProblem = problemOf(() => assertSeconds(expireIn, 'newAuthTokenExpireIn'));
  if (expireProblem !== null) return invalid('newAuthTokenExpireIn', expireProblem);
  let expiresAt: number | null = null;
  const expiryProblem = problemOf(() => {
    expiresAt = expiryOf({
      token: token as string,
      expiresIn: expireIn as number | undefined,
      now,
      allowUnknownExpiry: options.intervalConfigured,
      label: 'newAuthToken',
    });
  });
  if (expiryProblem !== null) return invalid('newAuthToken', expiryProblem);

  const type = r.newAuthTokenType ?? session.tokenType;
  const typeProblem = problemOf(() => assertTokenString(type, 'newAuthTokenType'));
  if (typeProblem !== null) return invalid('newAuthTokenType', typeProblem);

  const newRefresh = r.newRefreshToken;
  if (newRefresh !== undefined) {
    const problem = problemOf(() => assertTokenString(newRefresh, 'newRefreshToken'));
    if (problem !== null) return invalid('newRefreshToken', problem);
  }
  const refreshExpiresIn = r.newRefreshTokenExpiresIn;
  const refreshProblem = problemOf(() => assertSeconds(refreshExpiresIn, 'newRefreshTokenExpiresIn'));
  if (refreshProblem !== null) return invalid('newRefreshTokenExpiresIn', refreshProblem);

  const payload: RefreshSucceededPayload<U> = {
    ...ref,
    token: token as string,
    tokenType: type as string,
    expiresAt,
    receivedAt: now,
  };
  if (typeof newRefresh === 'string') {
    let refreshExpiresAt: number | null = null;
    const problem = problemOf(() => {
      refreshExpiresAt = refreshExpiryOf(
        newRefresh,
        refreshExpiresIn as number | undefined,
        now,
        'newRefreshToken',
      );
    });
    if (problem !== null) return invalid('newRefreshToken', problem);
    payload.refreshToken = newRefresh;
    payload.refreshExpiresAt = refreshExpiresAt;
  } else if (refreshExpiresIn !== undefined) {
    payload.refreshExpiresAt = now + (refreshExpiresIn as number) * 1000;
  }
  if ('newAuthUserState' in r && r.newAuthUserState !== undefined)
    payload.userState = r.newAuthUserState as U | null;
  return { kind: 'success', payload };
}
