/**
 * Stable codes carried by every {@link AuthError}. Switch on `code`, not on the message.
 *
 * - `invalid-token`: not a JWT, undecodable, missing `exp`, or `exp <= iat`.
 * - `token-expired`: the token's `exp` is already past (beyond the clock-skew tolerance).
 * - `invalid-option`: a configuration value is missing or out of range.
 * - `storage-too-large`: a value cannot be written to the chosen storage without loss.
 */
export type AuthErrorCode = 'invalid-token' | 'token-expired' | 'invalid-option' | 'storage-too-large';

/**
 * The one error class this library throws. Messages never contain a token.
 *
 * @example
 * ```ts
 * try {
 *   store.dispatch(signIn({ auth: { token } }));
 * } catch (error) {
 *   if (error instanceof AuthError && error.code === 'token-expired') showLogin();
 * }
 * ```
 */
export class AuthError extends Error {
  /** A stable, switchable reason for the failure. */
  // `declare`: assigned in the constructor, so no separate field definition is emitted.
  declare readonly code: AuthErrorCode;

  /** An error with a stable `code` and a `message` naming the problem; the message must hold no token. */
  constructor(code: AuthErrorCode, message: string) {
    super(message);
    this.name = 'AuthError';
    this.code = code;
  }
}

/** Throws an {@link AuthError}. A call, so a validator can read `ok ? value : raise(...)`. */
export function raise(code: AuthErrorCode, message: string): never {
  throw new AuthError(code, message);
}

/** What every log line of ours starts with. */
export const LOG = '[redux-auth-kit] ';
