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
  RefreshFailedPayload,
  RefreshFailureReason,
  RefreshOutcome,
  RefreshState,
  RefreshStatus,
  RefreshSucceededPayload,
  SessionRef,
  SessionRestoredPayload,
  SessionStatus,
  SessionSyncedPayload,
  LiveStateReappliedPayload,
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
  shownChecked,
  liveStateReapplied,
  sessionRestored,
  sessionSynced,
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
export { nextRefreshAt, type NextRefreshOptions } from './refresh/nextRefreshAt';
export type {
  RefreshApiCallback,
  RefreshApiCallbackParam,
  RefreshApiRejection,
  RefreshApiResult,
  RefreshApiSuccess,
  RefreshOptions,
} from './refresh/types';
export { createAuthListener } from './refresh/listener';
export type {
  AuthDispatchExtension,
  AuthListener,
  AuthListenerApi,
  AuthListenerOptions,
  AuthLogger,
  StartListeningLike,
  StopListening,
} from './refresh/options';
export { RefreshAbortError, type RefreshAbortCause } from './refresh/abort';
export { browserWakeSource, type WakeReason, type WakeSource } from './refresh/wake';
export { refreshLockName } from './tabs/locks';
export { createCookieMarker, markerCookieName, type MarkerCookieOptions } from './tabs/marker';
export type { ChannelLike, CrossTabOptions, GenerationMarker, LockManagerLike } from './tabs/options';
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
