import { shallowEqual, useSelector } from 'react-redux';
import {
  selectAuthHeader,
  selectAuthUser,
  selectIsAuthenticated,
  selectRefreshStatus,
  selectSessionStatus,
} from '../selectors';
import type { RefreshStatus, SessionStatus } from '../types';

/**
 * The user state given at sign-in (or replaced by a refresh), or `null` when
 * signed out. Re-renders only when the user state changes: a refresh that
 * leaves it alone, or returns an object with the same fields, does not
 * re-render.
 *
 * @example
 * ```tsx
 * function Greeting() {
 *   const user = useAuthUser<{ name: string }>();
 *   return user === null ? null : <p>Hello, {user.name}</p>;
 * }
 * ```
 */
export const useAuthUser = <U = unknown>(): U | null => useSelector(selectAuthUser<U>, shallowEqual);

/**
 * Whether a session exists, including while it is being restored or a refresh
 * is retried. Re-renders only on sign-in and sign-out, never on a refresh.
 *
 * @example
 * ```tsx
 * const isAuthenticated = useIsAuthenticated();
 * return isAuthenticated ? <AccountMenu /> : <LoginLink />;
 * ```
 */
export const useIsAuthenticated = (): boolean => useSelector(selectIsAuthenticated);

/**
 * `"<type> <token>"` for an `Authorization` header, or `null` when signed out
 * or when the access token has expired and no new one has arrived. Never an
 * expired token. Re-renders once per new token.
 *
 * @example
 * ```tsx
 * const authHeader = useAuthHeader();
 * const load = () => fetch('/api/me', { headers: authHeader === null ? {} : { Authorization: authHeader } });
 * ```
 */
export const useAuthHeader = (): string | null => useSelector(selectAuthHeader);

/**
 * `'idle'`, `'refreshing'` (a call is in flight) or `'retrying'` (the last
 * call failed transiently and another is scheduled).
 *
 * @example
 * ```tsx
 * const status = useRefreshStatus();
 * return status === 'retrying' ? <p>Reconnecting…</p> : null;
 * ```
 */
export const useRefreshStatus = (): RefreshStatus => useSelector(selectRefreshStatus);

/**
 * `'signed-out'`, `'restoring'` (a stored session with an expired access token
 * is being refreshed: show a loading state, not a login page) or
 * `'signed-in'`. What {@link RequireAuth} renders on.
 *
 * @example
 * ```tsx
 * const status = useSessionStatus();
 * if (status === 'restoring') return <Spinner />;
 * return status === 'signed-in' ? <Dashboard /> : <Navigate to="/login" />;
 * ```
 */
export const useSessionStatus = (): SessionStatus => useSelector(selectSessionStatus);
