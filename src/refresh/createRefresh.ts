import { checkRefreshOptions } from './config';
import type { RefreshOptions } from './types';

/**
 * Validates refresh options and returns them, typed. Throws `AuthError`
 * (`code: 'invalid-option'`) for a missing callback or a bad duration.
 *
 * @example
 * ```ts
 * const refresh = createRefresh<User>({
 *   interval: 10, // seconds
 *   refreshApiCallback: async ({ refreshToken, signal }) => {
 *     const res = await fetch('/refresh', {
 *       method: 'POST',
 *       headers: { 'Content-Type': 'application/json' },
 *       body: JSON.stringify({ refreshToken }),
 *       signal,
 *     });
 *     if (res.status === 401) return { isSuccess: false };
 *     if (!res.ok) throw new Error(`refresh ${res.status}`);
 *     const body = await res.json();
 *     return { isSuccess: true, newAuthToken: body.accessToken, newRefreshToken: body.refreshToken };
 *   },
 * });
 * ```
 */
export function createRefresh<U = unknown>(options: RefreshOptions<U>): RefreshOptions<U> {
  checkRefreshOptions(options);
  return options;
}
