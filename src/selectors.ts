import type { AuthRootState, RefreshStatus, SessionStatus } from './types';

// Every selector returns a primitive or a reference stored in the state, so
// `useSelector` consumers re-render only when what they read really changed.

/** True while a session exists, including while it is being restored or retried. */
export const selectIsAuthenticated = (state: AuthRootState): boolean => state.auth.session !== null;

/** The user state given at sign-in (or by a refresh), or `null` when signed out. */
export const selectAuthUser = <U>(state: AuthRootState<U>): U | null => state.auth.session?.userState ?? null;

/** The access token, or `null` when signed out or when it has expired. */
export const selectAuthToken = (state: AuthRootState): string | null =>
  state.auth.tokenExpired ? null : (state.auth.session?.token ?? null);

/** `"<type> <token>"` for an `Authorization` header, or `null` when there is no live token. */
export const selectAuthHeader = (state: AuthRootState): string | null => {
  const token = selectAuthToken(state);
  // A token means a session.
  return token === null ? null : `${state.auth.session!.tokenType} ${token}`;
};

/** The refresh token, or `null`. */
export const selectRefreshToken = (state: AuthRootState): string | null =>
  state.auth.session?.refreshToken ?? null;

/** When the access token expires, epoch ms, or `null`. */
export const selectAuthExpiresAt = (state: AuthRootState): number | null =>
  state.auth.session?.expiresAt ?? null;

/** `'idle'`, `'refreshing'` or `'retrying'`. */
export const selectRefreshStatus = (state: AuthRootState): RefreshStatus => state.auth.refresh.status;

/**
 * `'signed-out'`, `'restoring'` or `'signed-in'`: render on this the way
 * `RequireAuth` does. `'restoring'` covers both the wait for redux-persist to
 * read storage and the first refresh of a stored session whose access token expired.
 */
export const selectSessionStatus = (state: AuthRootState): SessionStatus => {
  const { session, restoring, storageRead } = state.auth;
  if (session !== null) return restoring ? 'restoring' : 'signed-in';
  // Secure mode after a reload: a session may exist, and a refresh is restoring it.
  if (restoring) return 'restoring';
  // Persisted but not yet read back from storage: what is there is unknown, not signed out.
  const persisted = (state.auth as { _persist?: unknown })._persist !== undefined;
  return persisted && !storageRead ? 'restoring' : 'signed-out';
};
