import { createRefresh, type RefreshApiCallback, type SignInParams } from 'redux-auth-kit';
import type { AuthType, CookieTokenResponse, TokenResponse, User } from './types';

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

interface PostOptions {
  body?: unknown;
  signal?: AbortSignal;
  keepalive?: boolean;
}

async function postJson(path: string, body: unknown, signal?: AbortSignal): Promise<Response> {
  return fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(signal !== undefined && { signal }),
  });
}

/**
 * A request to one of the routes under `/auth/` that read the `HttpOnly` refresh cookie (secure
 * mode). `credentials: 'include'` sends the cookie; here the server is same-origin, where the
 * default would do, but an auth server on another origin needs it (and CORS allowing credentials).
 * `X-Requested-With` is the server's CSRF check (server/csrf.mjs): a page of another origin can
 * send it only after a CORS preflight the server never approves.
 */
function postToCookieRoute(path: string, { body, signal, keepalive }: PostOptions = {}): Promise<Response> {
  return fetch(path, {
    method: 'POST',
    credentials: 'include',
    headers: {
      'x-requested-with': 'lumen-console',
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
    ...(signal !== undefined && { signal }),
    ...(keepalive !== undefined && { keepalive }),
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

/**
 * Signs in with any username and a non-empty password, and returns what `signIn` takes. In secure
 * mode (`'memory'`) it is `POST /auth/login`: the server sets the refresh token as an `HttpOnly`
 * cookie and the answer carries none, so the session has no `refresh` token of its own (the
 * library needs none in this mode). Elsewhere `POST /login`, whose refresh token the library stores.
 */
export async function login(username: string, password: string, mode: AuthType): Promise<SignInParams<User>> {
  const credentials = { username, password };
  const res =
    mode === 'memory'
      ? await postToCookieRoute('/auth/login', { body: credentials })
      : await postJson('/login', credentials);
  if (!res.ok) throw new ServerError(res.status, await errorMessage(res));
  if (mode === 'memory') {
    const answer = (await res.json()) as CookieTokenResponse;
    return {
      auth: { token: answer.accessToken },
      // Without a token: the cookie's lifetime, so the session card can show it and the session ends with it.
      refreshExpiresIn: answer.refreshExpiresIn,
      userState: answer.user,
    };
  }
  const answer = (await res.json()) as TokenResponse;
  return {
    auth: { token: answer.accessToken },
    refresh: answer.refreshToken,
    refreshExpiresIn: answer.refreshExpiresIn,
    userState: answer.user,
  };
}

/**
 * Ends the session on the server: `POST /logout` puts the refresh token's family on the deny-list;
 * in secure mode `POST /auth/logout` does that with the cookie's and clears the cookie.
 * `keepalive` lets it finish even when the page goes away right after.
 */
export function logout(mode: AuthType, refreshToken: string | null): void {
  const sent =
    mode === 'memory'
      ? postToCookieRoute('/auth/logout', { keepalive: true })
      : refreshToken === null
        ? null
        : fetch('/logout', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ refreshToken }),
            keepalive: true,
          });
  void sent?.catch(() => undefined);
}

/** `POST /auth/logout`, awaited: a switch out of secure mode reloads only once the cookie is gone. */
export async function endCookieSession(): Promise<void> {
  const res = await postToCookieRoute('/auth/logout');
  if (!res.ok) throw new ServerError(res.status, await errorMessage(res));
}

/**
 * `POST /auth/exchange`: hands a script-readable refresh token to the server, which spends it and
 * sets its successor as the `HttpOnly` cookie (a switch into secure mode). `false` when the
 * server refused the token (the session was over); throws when it could not be asked.
 */
export async function exchangeForCookie(refreshToken: string): Promise<boolean> {
  const res = await postToCookieRoute('/auth/exchange', { body: { refreshToken } });
  if (res.status === 401) return false;
  if (!res.ok) throw new ServerError(res.status, await errorMessage(res));
  return true;
}

/** `POST /refresh` with the refresh token in the body; the answer carries its rotated successor. */
const refreshInBody: RefreshApiCallback<User> = async ({ refreshToken, signal }) => {
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
};

/**
 * Secure mode: `POST /auth/refresh` with no token at all (the library passes `refreshToken:
 * undefined`). The browser sends the `HttpOnly` cookie and the server rotates it in its answer's
 * `Set-Cookie`; the page sees only the new access token. The user comes back too: after a reload
 * nothing but the hint that a session may exist was stored.
 */
const refreshWithCookie: RefreshApiCallback<User> = async ({ signal }) => {
  const res = await postToCookieRoute('/auth/refresh', { signal });
  if (res.status === 401) return { isSuccess: false };
  if (!res.ok) throw new ServerError(res.status, await errorMessage(res));
  const body = (await res.json()) as CookieTokenResponse;
  return {
    isSuccess: true,
    newAuthToken: body.accessToken,
    newRefreshTokenExpiresIn: body.refreshExpiresIn,
    newAuthUserState: body.user,
  };
};

/**
 * The refresh options handed to `createAuthStore` for `mode`. The callback resolves
 * `{ isSuccess: false }` only when the server refused the refresh token (401); anything else
 * (a 403 from the CSRF check included) throws, so the library keeps the session and retries.
 */
export function createAppRefresh(mode: AuthType) {
  return createRefresh<User>({
    refreshApiCallback: mode === 'memory' ? refreshWithCookie : refreshInBody,
  });
}
