export { AuthProvider, type AuthProviderProps } from './AuthProvider';
export { RequireAuth, type RequireAuthProps } from './RequireAuth';
export {
  useAuthHeader,
  useAuthUser,
  useIsAuthenticated,
  useRefreshNow,
  useRefreshStatus,
  useSessionStatus,
  useSignIn,
  useSignOut,
} from './hooks';
