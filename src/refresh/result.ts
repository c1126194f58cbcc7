import { AuthError, raise } from '../errors';
import { isJsonValue } from '../json';
import { readTokens, type TokenFieldNames } from '../token';
import type { RefreshSucceededPayload, SessionRef } from '../types';

/** What a callback's result means, decided without side effects. */
export type ParsedResult<U> =
  | { kind: 'success'; payload: RefreshSucceededPayload<U> }
  | { kind: 'rejected' }
  | { kind: 'invalid'; problem: string };

/** The token fields of a successful result, as messages name them. */
const RESULT_FIELDS: TokenFieldNames = {
  token: 'newAuthToken',
  type: 'newAuthTokenType',
  lifetime: 'newAuthTokenExpireIn',
  refreshToken: 'newRefreshToken',
  refreshLifetime: 'newRefreshTokenExpiresIn',
};

/** What {@link parseRefreshResult} needs besides the result. */
export interface ResultContext {
  /** The current header scheme, kept when the result names none. */
  tokenType: string;
  ref: SessionRef;
  /** An `interval` is configured, so an opaque access token needs no lifetime. */
  intervalConfigured: boolean;
  now: number;
}

/**
 * Validates what `refreshApiCallback` resolved with. Never throws: anything
 * malformed becomes `invalid`, with a message that names the field and holds no token.
 */
export function parseRefreshResult<U>(result: unknown, context: ResultContext): ParsedResult<U> {
  const { tokenType, ref, intervalConfigured, now } = context;
  // Reading a field may throw (a getter, a Proxy): inside the try, that reads as a malformed result.
  try {
    const r: Partial<Record<string, unknown>> = typeof result === 'object' && result !== null ? result : {};
    if (r.isSuccess === false) return { kind: 'rejected' };
    if (r.isSuccess !== true) raise('invalid-option', 'the result must have "isSuccess": true or false.');
    const tokens = readTokens(
      {
        token: r.newAuthToken,
        // Without a new type the current scheme (default `'Bearer'`) is kept.
        type: r.newAuthTokenType ?? tokenType,
        lifetime: r.newAuthTokenExpireIn,
        refreshToken: r.newRefreshToken,
        refreshLifetime: r.newRefreshTokenExpiresIn,
      },
      {
        names: RESULT_FIELDS,
        now,
        opaque: intervalConfigured
          ? { accepted: true }
          : { accepted: false, needs: 'newAuthTokenExpireIn, or an interval in createRefresh' },
      },
    );
    const payload: RefreshSucceededPayload<U> = { ...ref, ...tokens };
    const userState = r.newAuthUserState;
    if (userState !== undefined) {
      if (!isJsonValue(userState)) {
        raise(
          'invalid-option',
          'newAuthUserState must be JSON (no Date, Map, Set, BigInt, function or cycle).',
        );
      }
      payload.userState = userState as U | null;
    }
    return { kind: 'success', payload };
  } catch (error) {
    // A validation failure names the field; anything else (a Proxy trap that throws) is malformed too.
    return {
      kind: 'invalid',
      problem: error instanceof AuthError ? error.message : 'the result could not be read.',
    };
  }
}
