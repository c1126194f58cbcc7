export { createAuthStore, type AuthStore, type CreateAuthStoreOptions } from './createAuthStore';
