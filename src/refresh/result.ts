import { AuthError, raise } from '../errors';
import type { RefreshSucceededPayload, SessionRef } from '../slice';
import { readTokens, type TokenFields } from '../token';
import type { AuthSession } from '../types';

/** What a callback's result means, decided without side effects. */
export type ParsedResult<U> =
  | { kind: 'success'; payload: RefreshSucceededPayload<U> }
  | { kind: 'rejected' }
  | { kind: 'invalid'; problem: string };

/** The token fields of a successful result, in {@link readTokens}' order. */
const RESULT_FIELDS: TokenFields = [
  'newAuthToken',
  'newAuthTokenType',
  'newAuthTokenExpireIn',
  'newRefreshToken',
  'newRefreshTokenExpiresIn',
];

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
  const r = ((typeof result === 'object' && result) || {}) as Record<string, unknown>;
  if (r.isSuccess === false) return { kind: 'rejected' };
  try {
    if (r.isSuccess !== true) raise('invalid-option', 'the result must have "isSuccess": true or false.');
    const values = RESULT_FIELDS.map((field) => r[field]);
    // Without a new type the current scheme (default `'Bearer'`) is kept.
    values[1] ??= session.tokenType;
    const payload: RefreshSucceededPayload<U> = {
      ...ref,
      ...readTokens(
        values,
        RESULT_FIELDS,
        options.now,
        options.intervalConfigured || 'newAuthTokenExpireIn, or an interval in createRefresh',
      ),
    };
    if (r.newAuthUserState !== undefined) payload.userState = r.newAuthUserState as U | null;
    return { kind: 'success', payload };
  } catch (error) {
    // A validation failure names the field; anything else is not ours to explain.
    if (error instanceof AuthError) return { kind: 'invalid', problem: error.message };
    throw error;
  }
}
