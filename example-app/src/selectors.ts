import { nextRefreshAt } from 'redux-auth-kit';
import { authType, refresh, type RootState } from './store';

/**
 * When the library will next refresh (epoch ms; `null` while a refresh is in
 * flight or when signed out), from the same `refresh` options and `authType`
 * the store runs with (in secure mode a session has no refresh token of its own).
 */
export const selectNextRefreshAt = (state: RootState): number | null =>
  nextRefreshAt(state, refresh, { authType });
