export {
  createAuthStore,
  type AuthStore,
  type AuthStoreState,
  type CreateAuthStoreOptions,
} from './createAuthStore';
