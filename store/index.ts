export {
  createAuthStore,
  type AppGetDefaultMiddleware,
  type AuthStore,
  type AuthStoreState,
  type CreateAuthStoreOptions,
  type CreateAuthStoreOptionsForUser,
  type CreatedAuthStore,
} from './createAuthStore';
