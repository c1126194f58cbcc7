import type { Dispatch, UnknownAction } from '@reduxjs/toolkit';
import { useMemo } from 'react';
import { shallowEqual, useDispatch, useSelector } from 'react-redux';
import { refreshNow } from '../actions';
import type { AuthDispatchExtension } from '../refresh/options';
import {
  selectAuthHeader,
  selectAuthUser,
  selectIsAuthenticated,
  selectRefreshStatus,
  selectSessionStatus,
} from '../selectors';
import { signIn, signOut } from '../slice';
import type { RefreshOutcome, RefreshStatus, SessionStatus, SignInParams } from '../types';

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

/** A store's `dispatch` with the auth middleware installed. */
type AuthDispatch = Dispatch<UnknownAction> & AuthDispatchExtension;

/**
 * The function `make` builds from the store's `dispatch`, keeping its identity
 * across renders (so it can be a dependency or a prop without re-rendering).
 * `make` is a module-level constant: only `dispatch` can change.
 */
const useDispatching = <F>(make: (dispatch: AuthDispatch) => F): F => {
  const dispatch = useDispatch<AuthDispatch>();
  return useMemo(() => make(dispatch), [make, dispatch]);
};

const signInWith =
  (dispatch: AuthDispatch) =>
  (params: SignInParams): void => {
    dispatch(signIn(params));
  };

// Takes no arguments: as an `onClick` handler it must not pass the click event on as the reason.
const signOutWith = (dispatch: AuthDispatch) => (): void => {
  dispatch(signOut());
};

const refreshWith = (dispatch: AuthDispatch) => async (): Promise<RefreshOutcome> => {
  const result: unknown = dispatch(refreshNow());
  // Without the auth middleware `dispatch` returns the action: the refresh may still start, the outcome is unknown.
  return typeof (result as PromiseLike<RefreshOutcome> | null)?.then === 'function'
    ? (result as PromiseLike<RefreshOutcome>)
    : { ok: false, reason: 'unavailable' };
};

/**
 * Returns a function that starts a session: React Auth Kit's `signIn` payload.
 * A malformed, opaque-without-`expiresIn` or already-expired token makes it
 * throw an `AuthError` synchronously, before anything is dispatched, so a form
 * can catch it and show why; the state is untouched.
 *
 * @example
 * ```tsx
 * function LoginForm() {
 *   const signIn = useSignIn<User>();
 *   const [error, setError] = useState<string | null>(null);
 *   const onSubmit = async (credentials: Credentials) => {
 *     const { token, refreshToken, user } = await login(credentials);
 *     try {
 *       signIn({ auth: { token }, refresh: refreshToken, userState: user });
 *     } catch (e) {
 *       if (e instanceof AuthError) setError(e.code);
 *       else throw e;
 *     }
 *   };
 *   // …
 * }
 * ```
 */
export const useSignIn = <U = unknown>(): ((params: SignInParams<U>) => void) => useDispatching(signInWith);

/**
 * Returns a function that ends the session and clears it from storage. It
 * takes no arguments, so it can be passed straight to `onClick`.
 *
 * @example
 * ```tsx
 * const signOut = useSignOut();
 * return <button onClick={signOut}>Sign out</button>;
 * ```
 */
export const useSignOut = (): (() => void) => useDispatching(signOutWith);

/**
 * Returns a function that refreshes the tokens now, joining a refresh already
 * in flight, and resolves with the serializable outcome (it never rejects).
 *
 * Needs the auth middleware in the store (`createAuthStore`, or
 * `createAuthListener().middleware`). With the listeners added to an app's
 * own listener middleware instead, the refresh still starts but the promise
 * resolves `{ ok: false, reason: 'unavailable' }`: use `AuthListener.refresh`
 * there for the outcome.
 *
 * @example
 * ```tsx
 * const refreshNow = useRefreshNow();
 * const retry = async () => {
 *   const outcome = await refreshNow();
 *   if (!outcome.ok) setMessage(`Could not refresh: ${outcome.reason}`);
 * };
 * ```
 */
export const useRefreshNow = (): (() => Promise<RefreshOutcome>) => useDispatching(refreshWith);
