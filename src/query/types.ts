import type { BaseQueryApi } from '@reduxjs/toolkit/query';
import type { RefreshOutcome } from '../types';

/**
 * Options for {@link withReauth}. `Args`, `Error` and `Meta` are those of the
 * base query being wrapped.
 *
 * @example
 * ```ts
 * const baseQuery = withReauth(fetchBaseQuery({ baseUrl: '/api' }), {
 *   // the app's own refresh endpoint is sent untouched, never delayed or retried
 *   isRefreshRequest: (args) => typeof args !== 'string' && args.url === '/auth/refresh',
 *   statuses: [401, 419],
 * });
 * ```
 */
export interface WithReauthOptions<Args = unknown, Error = unknown, Meta = unknown> {
  /** Status codes that mean "this token was refused": refresh once and retry once. Default `[401]`. */
  statuses?: readonly number[];
  /**
   * Marks the app's own refresh request (or any request that must not be
   * touched): it goes straight to the base query with its args unchanged, no
   * `Authorization` header added, no waiting for a refresh and no retry.
   */
  isRefreshRequest?: (args: Args, api: BaseQueryApi) => boolean;
  /** Endpoint names (`api.endpoint`) treated like {@link WithReauthOptions.isRefreshRequest}. */
  skipEndpoints?: readonly string[];
  /**
   * Returns the args to send with the given `Authorization` value (`"<type> <token>"`).
   * Return `args` itself (the same object) to send a request untouched, e.g. one
   * that carries its own credentials: it is then never retried.
   *
   * The default handles `fetchBaseQuery` args: a URL string or an object with
   * `url` and optional `headers` (a `Headers` instance, an array of pairs or a
   * plain object). A header the caller set already is never overridden.
   *
   * @example
   * ```ts
   * // a custom base query whose args are { path, token? }
   * withReauth(myBaseQuery, { prepareArgs: (args, authorization) => ({ ...args, authorization }) });
   * ```
   */
  prepareArgs?: (args: Args, authorization: string) => Args;
  /**
   * Reads the HTTP status from a failed result. The default reads a numeric
   * `error.status`, or `error.originalStatus` (how `fetchBaseQuery` reports a
   * 401 whose body is not JSON).
   */
  statusOf?: (error: Error, meta: Meta | undefined) => number | undefined;
  /**
   * How to refresh. Default: `api.dispatch(refreshNow())`, which needs the auth
   * middleware in the store. With `auth.startListening(...)` on your own
   * listener middleware instead, pass `refresh: auth.refresh`.
   */
  refresh?: () => PromiseLike<RefreshOutcome>;
}
