/** Why a refresh call's `signal` was aborted. */
export type RefreshAbortCause = 'timeout' | 'signed-out' | 'disposed';

/**
 * The reason a refresh call's `signal` carries when it is aborted: our own
 * `Error`, so nothing depends on `DOMException` (React Native's Hermes and
 * some workers have none). `name` is `'TimeoutError'` after the timeout and
 * its grace, `'AbortError'` otherwise — the names `fetch` users already check.
 */
export class RefreshAbortError extends Error {
  /** Why the call was abandoned. */
  declare readonly cause: RefreshAbortCause;

  /** The reason for an abort of this `cause`: named `'TimeoutError'` for `'timeout'`, `'AbortError'` otherwise. */
  constructor(cause: RefreshAbortCause) {
    super(`redux-auth-kit: refresh call abandoned (${cause})`);
    this.name = cause === 'timeout' ? 'TimeoutError' : 'AbortError';
    this.cause = cause;
  }
}

/** Whether `error` is the abort of a lock request or a call: expected, not worth logging. */
export const isAbortError = (error: unknown): boolean =>
  typeof error === 'object' &&
  error !== null &&
  ((error as { name?: unknown }).name === 'AbortError' || error instanceof RefreshAbortError);
