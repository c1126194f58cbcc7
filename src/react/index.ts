/**
 * React bindings: `AuthProvider`, the auth hooks and `RequireAuth`. Needs
 * `react` and `react-redux`.
 *
 * @packageDocumentation
 * @module redux-auth-kit/react
 */
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
