// The default `prepareArgs`: fetchBaseQuery's args (a URL string or `FetchArgs`).

type HeaderPairs = ReadonlyArray<readonly [string, string]> | string[][];
type HeaderRecord = Record<string, string | undefined>;

/** Headers in every shape `fetchBaseQuery` accepts. */
export type HeadersLike = Headers | HeaderPairs | HeaderRecord;

/** Args the default `prepareArgs` can add an `Authorization` header to. */
export type AuthorizableArgs = string | { url: string; headers?: HeadersLike | undefined };

/**
 * What the default preparation makes of some args: `'authorizable'`, `'own-header'`
 * (the caller set `Authorization` already) or `'unsupported'` (not fetch args).
 */
export type ArgsKind = 'authorizable' | 'own-header' | 'unsupported';

const AUTHORIZATION = 'authorization';

function isUrlArgs(args: unknown): args is { url: string; headers?: unknown } {
  return typeof args === 'object' && args !== null && typeof (args as { url?: unknown }).url === 'string';
}

// Duck-typed: a Headers instance from another realm (jsdom, undici) fails `instanceof`.
function isHeaders(headers: unknown): headers is Headers {
  return (
    typeof headers === 'object' &&
    headers !== null &&
    typeof (headers as Headers).has === 'function' &&
    typeof (headers as Headers).set === 'function'
  );
}

function hasAuthorization(headers: unknown): boolean {
  if (headers === undefined || headers === null) return false;
  if (isHeaders(headers)) return headers.has(AUTHORIZATION);
  if (Array.isArray(headers)) {
    return headers.some(
      (pair: unknown) => Array.isArray(pair) && String(pair[0]).toLowerCase() === AUTHORIZATION,
    );
  }
  // fetchBaseQuery drops undefined values, so `{ Authorization: undefined }` sets nothing.
  return Object.entries(headers as HeaderRecord).some(
    ([name, value]) => value !== undefined && name.toLowerCase() === AUTHORIZATION,
  );
}

export function classifyArgs(args: unknown): ArgsKind {
  if (typeof args === 'string') return 'authorizable';
  if (!isUrlArgs(args)) return 'unsupported';
  if (args.headers !== undefined && args.headers !== null && typeof args.headers !== 'object')
    return 'unsupported';
  return hasAuthorization(args.headers) ? 'own-header' : 'authorizable';
}

function withHeader(headers: HeadersLike | undefined, authorization: string): HeadersLike {
  if (headers === undefined || headers === null) return { Authorization: authorization };
  if (isHeaders(headers)) {
    // A copy: the caller's Headers instance may be reused for other requests.
    const copy = new Headers(headers);
    copy.set('Authorization', authorization);
    return copy;
  }
  if (Array.isArray(headers))
    return [...(headers as HeaderPairs), ['Authorization', authorization]] as string[][];
  return { ...(headers as HeaderRecord), Authorization: authorization };
}

/**
 * Adds `Authorization` to fetch args without changing them in place. Returns
 * `args` itself when the caller set the header already or the args are not
 * fetch args.
 */
export function authorizeFetchArgs<Args>(args: Args, authorization: string): Args {
  if (classifyArgs(args) !== 'authorizable') return args;
  if (typeof args === 'string') return { url: args, headers: { Authorization: authorization } } as Args;
  const urlArgs = args as Exclude<AuthorizableArgs, string>;
  return { ...urlArgs, headers: withHeader(urlArgs.headers, authorization) } as Args;
}
