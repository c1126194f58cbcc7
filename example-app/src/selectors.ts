import { nextRefreshAt, type AuthRootState, type RefreshOptions } from 'redux-auth-kit';
import { authType, refresh, type RootState } from './store';

/**
 * What `nextRefreshAt` is shown of the state. In secure mode a session holds no refresh token (the
 * server keeps it in the HttpOnly cookie), and `nextRefreshAt` cannot tell that it runs in secure
 * mode: it would answer "no refresh" while the scheduler refreshes on time. So it is shown the
 * session with a stand-in refresh token, here only, never in the store. (A library gap: see
 * example-app/README.md, "Secure mode".)
 */
const asRefreshable = (state: RootState): AuthRootState => {
  const { session } = state.auth;
  if (authType !== 'memory' || session === null || session.refreshToken !== null) return state;
  return { auth: { ...state.auth, session: { ...session, refreshToken: 'in the HttpOnly cookie' } } };
};

/**
 * When the library will next refresh (epoch ms; `null` while a refresh is in
 * flight or when signed out), from the same `refresh` options the store runs with.
 */
export const selectNextRefreshAt = (state: RootState): number | null =>
  // The cast: `nextRefreshAt` takes `RefreshOptions<unknown>`, which `RefreshOptions<User>` does not
  // satisfy (its callback's parameter is contravariant); it reads only `interval` and `margin`.
  nextRefreshAt(asRefreshable(state), refresh as RefreshOptions);
