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

export type AuthType = 'cookie' | 'localstorage';
