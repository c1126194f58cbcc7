export { withReauth, type WithReauthOptionsParam } from './withReauth';
export type { WithReauthOptions } from './types';
export { authorizeFetchArgs, type AuthorizableArgs, type HeadersLike } from './args';
