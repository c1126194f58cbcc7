// The default `prepareArgs`: fetchBaseQuery's args (a URL string or `FetchArgs`).
import type { FetchArgs } from '@reduxjs/toolkit/query';

/**
 * Headers in every shape `fetchBaseQuery` accepts: a `Headers` instance, an
 * array of name/value pairs, or a plain object (values are stringified;
 * `undefined` ones are dropped). RTK 2.15 widened the object's values from
 * `string | undefined`.
 */
export type HeadersLike =
  | Headers
  | ReadonlyArray<readonly [string, string]>
  | string[][]
  | Record<string, string | number | boolean | undefined>;

/**
 * Args the default `prepareArgs` can add an `Authorization` header to: a URL,
 * the installed Redux Toolkit's own `FetchArgs` (whatever its `headers` type is
 * in that version), or any `{ url, headers? }` with headers in a
 * {@link HeadersLike} shape.
 */
export type AuthorizableArgs =
  | string
  | FetchArgs
  | {
      /** The request URL, relative to the base query's `baseUrl`. */
      url: string;
      /** Headers to send; the default `prepareArgs` adds `Authorization` to a copy of them. */
      headers?: HeadersLike | undefined;
    };

type UrlArgs = Exclude<AuthorizableArgs, string>;

// Duck-typed: a Headers instance from another realm (jsdom, undici) fails `instanceof`. Of the
// shapes fetchBaseQuery accepts, only Headers has methods.
const isHeaders = (headers: unknown): headers is Headers =>
  typeof (headers as Headers | null | undefined)?.has === 'function';

/**
 * Whether `args` carry their own `Authorization` header: `false` for a URL or
 * `{ url, headers? }` without one, `true` when the caller set one, `undefined`
 * when they are not fetch args at all.
 */
export function ownAuthorization(args: unknown): boolean | undefined {
  if (typeof args === 'string') return false;
  const { url, headers } = (args ?? {}) as { url?: unknown; headers?: unknown };
  const given = headers ?? {};
  if (typeof url !== 'string' || typeof given !== 'object') return undefined;
  if (isHeaders(given)) return given.has('authorization');
  // fetchBaseQuery drops undefined values, so `{ Authorization: undefined }` sets nothing.
  const pairs: unknown[] = Array.isArray(given)
    ? given
    : Object.entries(given).filter((entry) => entry[1] !== undefined);
  return pairs.some((pair) => Array.isArray(pair) && /^authorization$/i.test(pair[0]));
}

/**
 * Adds `Authorization` to fetch args without changing them in place. Returns
 * `args` itself when the caller set the header already or the args are not
 * fetch args.
 */
export function authorizeFetchArgs<Args>(args: Args, authorization: string): Args {
  if (ownAuthorization(args) !== false) return args;
  const urlArgs = (typeof args === 'string' ? { url: args } : args) as UrlArgs;
  let { headers } = urlArgs;
  if (isHeaders(headers)) {
    // A copy: the caller's Headers instance may be reused for other requests.
    headers = new Headers(headers);
    headers.set('Authorization', authorization);
  } else
    headers = Array.isArray(headers)
      ? [...headers, ['Authorization', authorization]]
      : { ...headers, Authorization: authorization };
  return { ...urlArgs, headers } as Args;
}
