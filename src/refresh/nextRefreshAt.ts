import type { AuthPersistOptions } from '../persist/persistAuthReducer';
import type { AuthRootState } from '../types';
import { refreshPolicy } from './config';
import { dueTimes } from './schedule';
import type { RefreshOptions } from './types';

/** What else {@link nextRefreshAt} needs to know of the store. */
export interface NextRefreshOptions {
  /** The store's `authType`: in `'memory'` (secure) mode sessions refresh with no refresh token of their own. */
  authType?: AuthPersistOptions['authType'];
}

/**
 * When the scheduler next refreshes the session in `state` with these refresh
 * options (epoch ms): the retry time while a failed refresh backs off, the due
 * time otherwise; `null` while a refresh is in flight, when signed out, or when
 * the session cannot be refreshed. For display ("next refresh in 12 s"); the
 * scheduler itself decides on the same rules.
 *
 * @example
 * ```ts
 * const at = nextRefreshAt(store.getState(), refresh);
 * const label = at === null ? '—' : `${Math.max(0, Math.round((at - Date.now()) / 1000))} s`;
 * ```
 */
export function nextRefreshAt<U>(
  state: AuthRootState<U>,
  refresh: Pick<RefreshOptions<U>, 'interval' | 'margin'> | undefined,
  options: NextRefreshOptions = {},
): number | null {
  const { auth } = state;
  // The scheduler's own rule; a restore (secure mode, no session yet) is not a refresh of one.
  if (auth.session === null) return null;
  return dueTimes(auth, { ...refreshPolicy(refresh), refreshTokenInCookie: options.authType === 'memory' })
    .refresh;
}
