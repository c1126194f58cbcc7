/** What `refreshApiCallback` receives. */
export interface RefreshApiCallbackParam<U = unknown> {
  /** The current access token; omitted once it has expired, so an expired token is never sent. */
  authToken?: string;
  /** The current refresh token; omitted in secure mode (`authType: 'memory'`), where the server reads its cookie. */
  refreshToken?: string;
  /** The current user state. */
  authUserState: U | null;
  /**
   * Pass it to `fetch`. At the `timeout` the library stops waiting (`refreshFailed` with
   * `'timeout'`) but keeps the signal live for a grace of half the timeout, so a slow server's
   * late answer, which may hold the only live rotated refresh token, is still applied. It is
   * aborted after timeout + grace, on sign-out and on the listener's `dispose()` (store teardown),
   * always with a {@link RefreshAbortError}.
   */
  signal: AbortSignal;
}

/** A successful refresh. All expiries are in seconds from now. */
export interface RefreshApiSuccess<U = unknown> {
  /** `true`: the server issued a new access token. */
  isSuccess: true;
  /** The new access token: a JWT, or an opaque token when `newAuthTokenExpireIn` or `interval` is set. */
  newAuthToken: string;
  /** A new header scheme; the current one (default `'Bearer'`) is kept when omitted. */
  newAuthTokenType?: string;
  /** Seconds the new access token lives; overrides its `exp`. */
  newAuthTokenExpireIn?: number;
  /** A rotated refresh token; replaces the stored one. */
  newRefreshToken?: string;
  /** Seconds the (new or current) refresh token lives. */
  newRefreshTokenExpiresIn?: number;
  /** Replaces the user state; omit to keep it. */
  newAuthUserState?: U | null;
}

/** The server rejected the refresh token: the session ends. */
export interface RefreshApiRejection {
  /** `false`: the server rejected the refresh token (resolve this only then; throw on network trouble). */
  isSuccess: false;
}

/** What `refreshApiCallback` resolves with: new tokens, or the server's rejection. */
export type RefreshApiResult<U = unknown> = RefreshApiSuccess<U> | RefreshApiRejection;

/**
 * Calls your server's refresh endpoint. Resolve `{ isSuccess: false }` only
 * when the server rejected the refresh token; throw (or reject) on network
 * trouble so the session is kept and the call retried.
 */
export type RefreshApiCallback<U = unknown> = (
  param: RefreshApiCallbackParam<U>,
) => Promise<RefreshApiResult<U>>;

/**
 * Options for {@link createRefresh}. Every duration is in **seconds**, as React
 * Auth Kit's documentation states (its v3 code multiplied `interval` by 60).
 *
 * @example
 * ```ts
 * const refresh = createRefresh<User>({
 *   interval: 10,
 *   refreshApiCallback: async ({ refreshToken, signal }) => {
 *     const res = await fetch('/refresh', { method: 'POST', body: refreshToken, signal });
 *     if (res.status === 401) return { isSuccess: false };
 *     const body = await res.json();
 *     return { isSuccess: true, newAuthToken: body.token, newRefreshToken: body.refresh };
 *   },
 * });
 * ```
 */
export interface RefreshOptions<U = unknown> {
  /** Seconds between refreshes, counted from sign-in or the last success. Optional when tokens carry `exp`. */
  interval?: number;
  /** Calls your server's refresh endpoint (see {@link RefreshApiCallback}). Required: `createRefresh` throws without one. */
  refreshApiCallback: RefreshApiCallback<U>;
  /** Seconds before access-token expiry to refresh. Default 60, capped at half the token's lifetime. */
  margin?: number;
  /**
   * Seconds a refresh call may take before it counts as failed (`'timeout'`, retried). Default 10.
   * Its `signal` is aborted only half as long again later: an answer within that grace is applied.
   */
  timeout?: number;
  /** Seconds before the first retry after a transient failure; doubles per failure. Default 2. */
  retryDelay?: number;
  /** Longest wait between retries, in seconds. Default 60. */
  maxRetryDelay?: number;
}
