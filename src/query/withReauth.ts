import type { BaseQueryFn } from '@reduxjs/toolkit/query';
import { checkClock, refreshNow } from '../actions';
import { LOG } from '../errors';
import { selectAuthHeader, selectIsAuthenticated, selectRefreshStatus } from '../selectors';
import type { AuthRootState, RefreshOutcome } from '../types';
import { authorizeFetchArgs, ownAuthorization, type AuthorizableArgs } from './args';
import type { WithReauthOptions } from './types';

/**
 * The options argument of {@link withReauth}: optional for base queries whose
 * args are fetch args, required (with `prepareArgs`) for any other shape. The
 * types come from the base query alone (`NoInfer`): an option, such as a
 * `prepareArgs` returning a wider object, must not widen them.
 */
export type WithReauthOptionsParam<Args, Error, Meta> = [Args] extends [AuthorizableArgs]
  ? [options?: WithReauthOptions<NoInfer<Args>, NoInfer<Error>, NoInfer<Meta>>]
  : [
      options: WithReauthOptions<NoInfer<Args>, NoInfer<Error>, NoInfer<Meta>> & {
        /** Required here: see {@link WithReauthOptions.prepareArgs}. */
        prepareArgs: (args: NoInfer<Args>, authorization: string) => NoInfer<Args>;
      },
    ];

type StatusFields = { status?: unknown; originalStatus?: unknown } | null | undefined;

/**
 * The HTTP status of a failed base-query result: a numeric `status`, else a
 * numeric `originalStatus` (`fetchBaseQuery`'s `PARSING_ERROR`, e.g. a 401 with
 * a plain-text body), else `undefined`.
 */
const defaultStatusOf = (error: unknown): number | undefined =>
  [(error as StatusFields)?.status, (error as StatusFields)?.originalStatus].find(
    (status): status is number => typeof status === 'number',
  );

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
  const {
    statuses = [401],
    skipEndpoints,
    isRefreshRequest,
    prepareArgs,
    statusOf = defaultStatusOf,
    refresh,
  }: WithReauthOptions<Args, Error, Meta> = rest[0] ?? {};
  const prepare = prepareArgs ?? authorizeFetchArgs;
  // Misconfigurations are reported once per wrapped base query, not once per request: each message
  // says what is wrong and what to do.
  const reported = new Set<string>();
  const report = (message: string, log: (message: string) => void): void => {
    if (!reported.has(message)) log(LOG + 'withReauth: ' + message);
    reported.add(message);
  };

  return async (args, api, extraOptions) => {
    const send = (sent: Args) => baseQuery(sent, api, extraOptions);

    /**
     * What a request needs of the auth slice, or `undefined` without one. `mayRefresh`: signed in
     * and not backing off — while failed refreshes back off, requests must not hammer the refresh
     * endpoint: the scheduler retries.
     */
    const view = (): { header: string | null; mayRefresh: boolean; refreshing: boolean } | undefined => {
      const state = api.getState() as AuthRootState | undefined;
      if (typeof state?.auth?.refresh !== 'object') return undefined;
      const status = selectRefreshStatus(state);
      return {
        header: selectAuthHeader(state),
        mayRefresh:
          selectIsAuthenticated(state) &&
          !(status === 'retrying' && (state.auth.refresh.retryAt ?? 0) > Date.now()),
        refreshing: status === 'refreshing',
      };
    };

    // Joins the refresh in flight (the scheduler's, or another request's) or starts one.
    const refreshed = async (): Promise<RefreshOutcome | undefined> => {
      if (refresh) return refresh();
      const returned = api.dispatch(refreshNow()) as unknown;
      if (typeof (returned as PromiseLike<unknown> | undefined)?.then === 'function')
        return returned as PromiseLike<RefreshOutcome>;
      report(
        'dispatch(refreshNow()) returned no promise: add auth.middleware to the store, or pass { refresh: auth.refresh }. Refused requests are not retried.',
        console.error,
      );
    };

    // Passed straight through (`false` goes on): the app's refresh endpoint, and with the default
    // prepareArgs, args with their own Authorization header (`true`) or no fetch args (`undefined`).
    const untouched =
      skipEndpoints?.includes(api.endpoint) ||
      isRefreshRequest?.(args, api) ||
      (!prepareArgs && ownAuthorization(args));
    if (untouched === undefined)
      report(
        'args are neither a URL nor { url, headers }: pass prepareArgs. Sent without Authorization.',
        console.warn,
      );
    if (untouched !== false) return send(args);
    // A machine that just woke may not have run its timers yet: let the scheduler look at the clock
    // first, so an expired token is withdrawn (and its refresh started) before this request reads it.
    api.dispatch(checkClock());
    const before = view();
    if (!before) {
      report(
        'no auth slice at state.auth: mount it there. Requests are sent without Authorization.',
        console.error,
      );
      return send(args);
    }

    // One refresh per request at most: waited for before sending (a refresh is in flight, or the
    // token has expired and a refresh may start), or after a refusal.
    const waited = before.refreshing || (before.mayRefresh && !before.header);
    if (waited) await refreshed();

    const sentWith = view()?.header;
    const prepared = sentWith ? prepare(args, sentWith) : args;
    const first = await send(prepared);
    // Left untouched by prepareArgs: it carries its own credentials, not ours to retry.
    if (sentWith && prepared === args) return first;
    // `undefined` (no status) is in no list.
    if (first.error === undefined || !statuses.includes(statusOf(first.error, first.meta)!)) return first;

    // A token newer than the one sent: another refresh or a sign-in replaced it while the request was out.
    const newer = () => {
      const header = view()?.header;
      return header !== sentWith && header;
    };
    // Retry with a newer token, else refresh once (unless this request waited for a refresh already, or
    // may not refresh: signed out or backing off) and retry with its token. A rejected refresh has
    // signed the user out and a transient failure kept the session: either way, the original error.
    const header = newer() || (!waited && view()?.mayRefresh && (await refreshed())?.ok && newer());
    return header ? send(prepare(args, header)) : first;
  };
}
