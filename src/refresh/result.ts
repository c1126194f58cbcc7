import { AuthError, raise } from '../errors';
import { readTokens, type TokenFieldNames } from '../token';
import type { AuthSession, RefreshSucceededPayload, SessionRef } from '../types';

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
export interface ResultContext<U> {
  /** The session the refresh was for: its token type is kept when the result names none. */
  session: AuthSession<U>;
  ref: SessionRef;
  /** An `interval` is configured, so an opaque access token needs no lifetime. */
  intervalConfigured: boolean;
  now: number;
}

/** Reads one field of a result; a getter that throws reads as a malformed result. */
function field(result: object, name: string): unknown {
  try {
    return (result as Record<string, unknown>)[name];
  } catch {
    return raise('invalid-option', `reading "${name}" of the result threw.`);
  }
}

/**
 * Validates what `refreshApiCallback` resolved with. Never throws: anything
 * malformed becomes `invalid`, with a message that names the field and holds no token.
 */
export function parseRefreshResult<U>(result: unknown, context: ResultContext<U>): ParsedResult<U> {
  const { session, ref, intervalConfigured, now } = context;
  try {
    const r = typeof result === 'object' && result !== null ? result : {};
    const isSuccess = field(r, 'isSuccess');
    if (isSuccess === false) return { kind: 'rejected' };
    if (isSuccess !== true) raise('invalid-option', 'the result must have "isSuccess": true or false.');
    const tokens = readTokens(
      {
        token: field(r, 'newAuthToken'),
        // Without a new type the current scheme (default `'Bearer'`) is kept.
        type: field(r, 'newAuthTokenType') ?? session.tokenType,
        lifetime: field(r, 'newAuthTokenExpireIn'),
        refreshToken: field(r, 'newRefreshToken'),
        refreshLifetime: field(r, 'newRefreshTokenExpiresIn'),
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
    const userState = field(r, 'newAuthUserState');
    if (userState !== undefined) payload.userState = userState as U | null;
    return { kind: 'success', payload };
  } catch (error) {
    // A validation failure names the field; anything else (a Proxy trap that throws) is malformed too.
    return {
      kind: 'invalid',
      problem: error instanceof AuthError ? error.message : 'the result could not be read.',
    };
  }
}
