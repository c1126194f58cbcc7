export {
  createAuthStore,
  type AppGetDefaultMiddleware,
  type AuthStore,
  type AuthStoreState,
  type CreateAuthStoreOptions,
} from './createAuthStore';
