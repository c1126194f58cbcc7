import { createRefresh } from 'redux-auth-kit';
import type { TokenResponse, User } from './types';

/** Thrown for answers the app cannot use; carries the server's message when there is one. */
export class ServerError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ServerError';
  }
}

async function postJson(path: string, body: unknown, signal?: AbortSignal): Promise<Response> {
  return fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(signal !== undefined && { signal }),
  });
}

async function errorMessage(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { message?: unknown };
    if (typeof body.message === 'string') return body.message;
  } catch {
    // not JSON: fall through
  }
  return `${res.status} ${res.statusText}`;
}

/** `POST /login`: any username and a non-empty password. */
export async function login(username: string, password: string): Promise<TokenResponse> {
  const res = await postJson('/login', { username, password });
  if (!res.ok) throw new ServerError(res.status, await errorMessage(res));
  return (await res.json()) as TokenResponse;
}

/**
 * `POST /logout`: puts the refresh token's family on the server's deny-list.
 * `keepalive` lets it finish even when the page goes away right after.
 */
export function logout(refreshToken: string | null): void {
  if (refreshToken === null) return;
  void fetch('/logout', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refreshToken }),
    keepalive: true,
  }).catch(() => undefined);
}

/**
 * The refresh options handed to `createAuthStore`. The callback resolves
 * `{ isSuccess: false }` only when the server refused the refresh token
 * (401); anything else throws, so the library keeps the session and retries.
 */
export const refresh = createRefresh<User>({
  refreshApiCallback: async ({ refreshToken, signal }) => {
    const res = await postJson('/refresh', { refreshToken }, signal);
    if (res.status === 401) return { isSuccess: false };
    if (!res.ok) throw new ServerError(res.status, await errorMessage(res));
    const body = (await res.json()) as TokenResponse;
    return {
      isSuccess: true,
      newAuthToken: body.accessToken,
      newRefreshToken: body.refreshToken,
      newRefreshTokenExpiresIn: body.refreshExpiresIn,
      newAuthUserState: body.user,
    };
  },
});
