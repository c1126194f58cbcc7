/**
 * RTK Query: `withReauth` sends the current token with every request and
 * refreshes once, then retries once, when a token is refused.
 *
 * @packageDocumentation
 * @module redux-auth-kit/query
 */
export { withReauth, type WithReauthOptionsParam } from './withReauth';
export type { WithReauthOptions } from './types';
export { authorizeFetchArgs, type AuthorizableArgs, type HeadersLike } from './args';
