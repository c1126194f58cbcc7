/**
 * The core: the `auth` slice, its actions and selectors, `createRefresh`, the
 * refresh listener (`createAuthListener`), persistence, DevTools redaction and
 * `AuthError`. Everything a store you configure yourself needs.
 *
 * @packageDocumentation
 * @module redux-auth-kit
 */
export { AuthError, type AuthErrorCode } from './errors';
export type {
  AuthRootState,
  AuthSession,
  AuthState,
  RefreshFailureReason,
  RefreshOutcome,
  RefreshState,
  RefreshStatus,
  SessionStatus,
  SignInParams,
  SignOutReason,
} from './types';
export {
  authSlice,
  authReducer,
  signIn,
  signOut,
  refreshStarted,
  refreshSucceeded,
  refreshFailed,
  tokenExpired,
  sessionRestored,
  sessionSynced,
  type RefreshFailedPayload,
  type RefreshSucceededPayload,
  type SessionRef,
  type SessionRestoredPayload,
  type SessionSyncedPayload,
} from './slice';
export { checkClock, refreshNow, type RefreshNowAction } from './actions';
export {
  selectIsAuthenticated,
  selectAuthUser,
  selectAuthHeader,
  selectAuthToken,
  selectRefreshToken,
  selectAuthExpiresAt,
  selectRefreshStatus,
  selectSessionStatus,
} from './selectors';
export { createRefresh } from './refresh/createRefresh';
export { nextRefreshAt } from './refresh/nextRefreshAt';
export type {
  RefreshApiCallback,
  RefreshApiCallbackParam,
  RefreshApiRejection,
  RefreshApiResult,
  RefreshApiSuccess,
  RefreshOptions,
} from './refresh/types';
export {
  createAuthListener,
  type AuthDispatchExtension,
  type AuthListener,
  type AuthListenerApi,
  type AuthListenerOptions,
  type StartListeningLike,
} from './refresh/listener';
export { browserWakeSource, type WakeReason, type WakeSource } from './refresh/wake';
export {
  createCookieMarker,
  markerCookieName,
  refreshLockName,
  type ChannelLike,
  type CrossTabOptions,
  type GenerationMarker,
  type LockManagerLike,
} from './refresh/crossTab';
export {
  persistAuthReducer,
  authPersistConfig,
  createAuthStorage,
  DEFAULT_AUTH_NAME,
  PERSIST_ACTIONS,
  type AuthPersistOptions,
  type PersistedAuthState,
} from './persist/persistAuthReducer';
export { createLocalStorage, type AuthStorage } from './persist/storage';
export { createCookieStorage, type CookieSameSite, type CookieStorageOptions } from './persist/cookieStorage';
export { authDevToolsOptions, redactTokens, REDACTED, withAuthRedaction } from './devtools';
