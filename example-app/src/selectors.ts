import { nextRefreshAt, type RefreshOptions } from 'redux-auth-kit';
import { refresh } from './server';
import type { RootState } from './store';

/**
 * When the library will next refresh (epoch ms; `null` while a refresh is in
 * flight or when signed out), from the same `refresh` options the store runs with.
 */
export const selectNextRefreshAt = (state: RootState): number | null =>
  // The cast: `nextRefreshAt` takes `RefreshOptions<unknown>`, which `RefreshOptions<User>` does not
  // satisfy (its callback's parameter is contravariant); it reads only `interval` and `margin`.
  nextRefreshAt(state, refresh as RefreshOptions);
