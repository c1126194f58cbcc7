/**
 * `createAuthStore`: a persisted, self-refreshing Redux store in one call
 * (React Auth Kit's `createStore`).
 *
 * @packageDocumentation
 * @module redux-auth-kit/store
 */
export {
  createAuthStore,
  type AppGetDefaultMiddleware,
  type AuthStore,
  type AuthStoreDispatchExtensions,
  type AuthStoreState,
  type CreateAuthStoreOptions,
  type CreateAuthStoreOptionsForUser,
  type CreatedAuthStore,
} from './createAuthStore';
