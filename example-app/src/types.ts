/** The user the demo server returns at login; kept as the session's user state. */
export interface User {
  id: string;
  name: string;
  email: string;
}

/** What `POST /login` and `POST /refresh` answer. */
export interface TokenResponse {
  accessToken: string;
  refreshToken: string;
  accessExpiresIn: number;
  refreshExpiresIn: number;
  user: User;
}

/**
 * What `POST /auth/login` and `POST /auth/refresh` answer (secure mode): no refresh token, which
 * the server set as an `HttpOnly` cookie this page cannot read.
 */
export type CookieTokenResponse = Omit<TokenResponse, 'refreshToken'>;

/**
 * Where the session lives: the library's `authType`. `'memory'` is secure mode: the refresh token
 * in an `HttpOnly` cookie the server sets, the access token in memory only.
 */
export type AuthType = 'cookie' | 'localstorage' | 'memory';
