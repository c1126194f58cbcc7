import type { Dispatch, UnknownAction } from '@reduxjs/toolkit';
import { useMemo } from 'react';
import { useDispatch } from 'react-redux';
import { refreshNow } from '../actions';
import type { AuthDispatchExtension } from '../refresh/listener';
import { signIn, signOut } from '../slice';
import type { RefreshOutcome, SignInParams } from '../types';

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
