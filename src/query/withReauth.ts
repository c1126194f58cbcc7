import type { BaseQueryApi, BaseQueryFn, QueryReturnValue } from '@reduxjs/toolkit/query';
import { checkClock, refreshNow } from '../actions';
import { selectAuthHeader, selectIsAuthenticated, selectRefreshStatus } from '../selectors';
import type { AuthRootState, RefreshOutcome } from '../types';
import { authorizeFetchArgs, classifyArgs, type AuthorizableArgs } from './args';
import { defaultStatusOf } from './status';
import type { WithReauthOptions } from './types';

/**
 * The options argument of {@link withReauth}: optional for base queries whose
 * args are fetch args, required (with `prepareArgs`) for any other shape.
 */
export type WithReauthOptionsParam<Args, Error, Meta> = [Args] extends [AuthorizableArgs]
  ? [options?: ReauthOptionsFor<Args, Error, Meta>]
  : [
      options: ReauthOptionsFor<Args, Error, Meta> &
        Required<Pick<ReauthOptionsFor<Args, Error, Meta>, 'prepareArgs'>>,
    ];

// The types come from the base query alone: an option (a prepareArgs returning a wider object) must not widen them.
type ReauthOptionsFor<Args, Error, Meta> = WithReauthOptions<NoInfer<Args>, NoInfer<Error>, NoInfer<Meta>>;

interface AuthView {
  header: string | null;
  authenticated: boolean;
  /** A refresh is in flight, or the token is known to be expired: wait for the refresh before sending. */
  mustWait: boolean;
  /** The last refresh failed transiently and its retry is not due yet. */
  backingOff: boolean;
}

const PREFIX = '[redux-auth-kit] withReauth: ';
const MISSING_MIDDLEWARE = `${PREFIX}dispatch(refreshNow()) returned no promise: add auth.middleware to the store, or pass { refresh: auth.refresh }. Refused requests are not retried.`;
const NO_AUTH_SLICE = `${PREFIX}no auth slice at state.auth; requests are sent without Authorization.`;
const UNSUPPORTED_ARGS = `${PREFIX}args are neither a URL nor { url, headers }; pass prepareArgs. Sent without Authorization.`;

function readAuth(state: unknown): AuthView | null {
  const auth = (state as Partial<AuthRootState> | null | undefined)?.auth;
  if (typeof auth !== 'object' || auth === null || typeof auth.refresh !== 'object') return null;
  const root = state as AuthRootState;
  const header = selectAuthHeader(root);
  const authenticated = selectIsAuthenticated(root);
  const status = selectRefreshStatus(root);
  // While failed refreshes back off, requests must not hammer the refresh endpoint: the scheduler retries.
  const backingOff =
    status === 'retrying' && auth.refresh.retryAt !== null && auth.refresh.retryAt > Date.now();
  return {
    header,
    authenticated,
    backingOff,
    mustWait:
      status === 'refreshing' || (!backingOff && authenticated && (auth.tokenExpired || header === null)),
  };
}

const isPromiseLike = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';

/**
 * Wraps a base query so every request carries `Authorization: <type> <token>`
 * from the auth slice and survives a refused token:
 *
 * - a request issued while a refresh is in flight, or while the token is known
 *   to be expired, waits for that refresh and is sent once, with the new token;
 * - on a refused status (default 401): if a newer token arrived while the
 *   request was out, it is retried once with it and nothing is refreshed;
 *   otherwise it joins the one refresh in flight (shared with the scheduler and
 *   every other request) and is retried once with the new token. A second
 *   refusal is returned as is;
 * - when the refresh is rejected the engine signs the user out and the original
 *   error is returned; on a transient failure the error is returned and the
 *   session kept;
 * - a header the caller set is never overridden, and such a request is never
 *   retried; the app's refresh endpoint (`isRefreshRequest`, `skipEndpoints`)
 *   is passed straight through.
 *
 * Needs the auth middleware in the store (`createAuthStore` adds it), or the
 * `refresh` option. Types are preserved: `createApi` endpoints infer exactly as
 * with the unwrapped base query.
 *
 * @example
 * ```ts
 * import { createApi, fetchBaseQuery } from '@reduxjs/toolkit/query/react';
 * import { withReauth } from 'redux-auth-kit/query';
 *
 * export const api = createApi({
 *   baseQuery: withReauth(fetchBaseQuery({ baseUrl: '/api' })),
 *   endpoints: (build) => ({
 *     me: build.query<User, void>({ query: () => '/me' }),
 *   }),
 * });
 * ```
 */
export function withReauth<Args, Result, Error, DefinitionExtraOptions, Meta>(
  baseQuery: BaseQueryFn<Args, Result, Error, DefinitionExtraOptions, Meta>,
  ...rest: WithReauthOptionsParam<Args, Error, Meta>
  // NoInfer: written inline as `createApi({ baseQuery: withReauth(...) })`, the types must come from the
  // wrapped base query, not from createApi's contextual `BaseQueryFn<any, unknown, unknown>`.
): NoInfer<BaseQueryFn<Args, Result, Error, DefinitionExtraOptions, Meta>> {
  const options: WithReauthOptions<Args, Error, Meta> = rest[0] ?? {};
  const statuses = options.statuses ?? [401];
  const skipEndpoints = options.skipEndpoints ?? [];
  const prepare = options.prepareArgs ?? authorizeFetchArgs;
  const statusOf = options.statusOf ?? defaultStatusOf;
  // Misconfigurations are reported once per wrapped base query, not once per request.
  const reported = new Set<string>();
  const reportOnce = (message: string, log: (message: string) => void): void => {
    if (!reported.has(message)) log(message);
    reported.add(message);
  };

  async function refresh(api: BaseQueryApi): Promise<RefreshOutcome | null> {
    if (options.refresh !== undefined) return options.refresh();
    const returned: unknown = api.dispatch(refreshNow());
    if (isPromiseLike(returned)) return returned as PromiseLike<RefreshOutcome>;
    reportOnce(MISSING_MIDDLEWARE, console.error);
    return null;
  }

  const refused = (result: QueryReturnValue<Result, Error, Meta>): boolean => {
    if (result.error === undefined) return false;
    const status = statusOf(result.error, result.meta);
    return status !== undefined && statuses.includes(status);
  };

  return async (args, api, extraOptions) => {
    const send = async (sent: Args): Promise<QueryReturnValue<Result, Error, Meta>> =>
      baseQuery(sent, api, extraOptions);

    if (skipEndpoints.includes(api.endpoint) || options.isRefreshRequest?.(args, api) === true)
      return send(args);
    if (options.prepareArgs === undefined) {
      const kind = classifyArgs(args);
      if (kind === 'own-header') return send(args);
      if (kind === 'unsupported') {
        reportOnce(UNSUPPORTED_ARGS, console.warn);
        return send(args);
      }
    }
    // A machine that just woke may not have run its timers yet: let the scheduler look at the clock
    // first, so an expired token is withdrawn (and its refresh started) before this request reads it.
    api.dispatch(checkClock());
    const before = readAuth(api.getState());
    if (before === null) {
      reportOnce(NO_AUTH_SLICE, console.error);
      return send(args);
    }

    // One refresh per request at most: waited for before sending, or after a refusal.
    let refreshed = false;
    if (before.mustWait) {
      refreshed = true;
      await refresh(api);
    }

    const sentWith = readAuth(api.getState())?.header ?? null;
    let prepared = args;
    if (sentWith !== null) {
      prepared = prepare(args, sentWith);
      // Left untouched by prepareArgs: it carries its own credentials, not ours to retry.
      if (prepared === args) return send(args);
    }
    const first = await send(prepared);
    if (!refused(first)) return first;

    const retry = (authorization: string) => send(prepare(args, authorization));
    const after = readAuth(api.getState());
    if (after === null) return first;
    // Another refresh (or sign-in) replaced the token while this request was out.
    if (after.header !== null && after.header !== sentWith) return retry(after.header);
    if (!after.authenticated || refreshed || after.backingOff) return first;

    const outcome = await refresh(api);
    // Rejected: the engine has signed the user out. Transient: the session is kept. Either way, the original error.
    if (outcome === null || !outcome.ok) return first;
    const header = readAuth(api.getState())?.header ?? null;
    return header === null || header === sentWith ? first : retry(header);
  };
}
