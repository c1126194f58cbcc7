// The default `prepareArgs`: fetchBaseQuery's args (a URL string or `FetchArgs`).

type HeaderPairs = ReadonlyArray<readonly [string, string]> | string[][];
type HeaderRecord = Record<string, string | undefined>;

/** Headers in every shape `fetchBaseQuery` accepts. */
export type HeadersLike = Headers | HeaderPairs | HeaderRecord;

/** Args the default `prepareArgs` can add an `Authorization` header to. */
export type AuthorizableArgs = string | { url: string; headers?: HeadersLike | undefined };

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
  if (typeof url !== 'string' || typeof (headers ?? {}) !== 'object') return undefined;
  if (isHeaders(headers)) return headers.has('authorization');
  // fetchBaseQuery drops undefined values, so `{ Authorization: undefined }` sets nothing.
  const pairs: unknown[] = Array.isArray(headers)
    ? headers
    : Object.entries(headers ?? {}).filter((entry) => entry[1] !== undefined);
  return pairs.some((pair) => Array.isArray(pair) && String(pair[0]).toLowerCase() === 'authorization');
}

function withHeader(headers: HeadersLike | undefined, authorization: string): HeadersLike {
  if (isHeaders(headers)) {
    // A copy: the caller's Headers instance may be reused for other requests.
    const copy = new Headers(headers);
    copy.set('Authorization', authorization);
    return copy;
  }
  return Array.isArray(headers)
    ? [...headers, ['Authorization', authorization]]
    : { ...headers, Authorization: authorization };
}

/**
 * Adds `Authorization` to fetch args without changing them in place. Returns
 * `args` itself when the caller set the header already or the args are not
 * fetch args.
 */
export function authorizeFetchArgs<Args>(args: Args, authorization: string): Args {
  if (ownAuthorization(args) !== false) return args;
  const urlArgs = (typeof args === 'string' ? { url: args } : args) as UrlArgs;
  return { ...urlArgs, headers: withHeader(urlArgs.headers, authorization) } as Args;
}
