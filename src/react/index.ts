export { AuthProvider, type AuthProviderProps } from './AuthProvider';
export { RequireAuth, type RequireAuthProps } from './RequireAuth';
export {
  useAuthHeader,
  useAuthUser,
  useIsAuthenticated,
  useRefreshStatus,
  useSessionStatus,
} from './sessionHooks';
export { useRefreshNow, useSignIn, useSignOut } from './actionHooks';
