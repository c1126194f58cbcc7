/** Options for {@link startAuthServer}. Durations are in seconds. */
export interface AuthServerOptions {
  /** TCP port; `0` (default) picks a free one. */
  port?: number;
  /** Default `'127.0.0.1'`. */
  host?: string;
  /** Access-token lifetime in seconds. Default 30. */
  accessTtl?: number;
  /** Refresh-token lifetime in seconds (each rotation starts a new one). Default 3600. */
  refreshTtl?: number;
  /** Serve this directory (the built app) on the same origin, with SPA fallback to `index.html`. */
  staticDir?: string;
  /** Receives one line per login/refresh; default silent. */
  log?: (line: string) => void;
  /**
   * Turns on the state-changing admin routes `POST /__revoke` and
   * `POST /__revoke-access` (the browser tests use them). Default `false`:
   * any web page can make a browser POST to 127.0.0.1, so `npm start` leaves
   * them off. `GET /__stats` (read-only) is always on.
   */
  testHooks?: boolean;
  /**
   * Speak https with this key and certificate (PEM). The refresh cookie of the `/auth/*` routes
   * is then `Secure`; over plain http it is not (see refreshCookie.mjs).
   */
  tls?: { key: string | Buffer; cert: string | Buffer };
}

/** The user the server returns at login. */
export interface DemoUser {
  id: string;
  name: string;
  email: string;
}

/** `POST /login` and `POST /refresh` answer with this. */
export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  /** Seconds. */
  accessExpiresIn: number;
  /** Seconds. */
  refreshExpiresIn: number;
  user: DemoUser;
}

/**
 * What `POST /auth/login` and `POST /auth/refresh` answer (secure mode): the pair without its
 * refresh token, which went into the `HttpOnly` cookie instead.
 */
export type CookieTokenAnswer = Omit<TokenPair, 'refreshToken'>;

/** One answered `/refresh`, `/auth/refresh` or `/auth/exchange` call. */
export interface RefreshLogEntry {
  /** Server time (epoch ms) the call arrived. */
  at: number;
  /**
   * How the refresh token came: in the body (`/refresh`), in the cookie (`/auth/refresh`), or in the
   * body of `/auth/exchange`, which set its successor as the cookie.
   */
  via: 'body' | 'cookie' | 'exchange';
  ok: boolean;
  /** Why it was refused: `'missing' | 'invalid' | 'expired' | 'unknown' | 'revoked' | 'reuse'`, or `null`. */
  reason: string | null;
  family: string | null;
  /** Index in `issued` of the pair whose refresh token was presented, or `null` when unknown. */
  replaces: number | null;
}

/** One access token the server issued (at login or refresh). */
export interface IssuedToken {
  at: number;
  family: string;
  /** Epoch ms. */
  expiresAt: number;
}

/** One answered `/api/*` request. */
export interface ApiLogEntry {
  /** Server time (epoch ms) the request arrived. */
  at: number;
  /** Why it was refused with a 401 (`'missing-token' | 'token-expired' | 'invalid-token' | 'token-revoked' | 'wrong-token-type'`), or `null` when served. */
  refused: string | null;
}

/** One request to `/auth/*` that the CSRF check refused with a 403. */
export interface CsrfLogEntry {
  at: number;
  /** `'POST /auth/refresh'` and so on. */
  route: string;
  /** `'bad-origin'` (a foreign, missing or `null` Origin) or `'missing-csrf-header'`. */
  reason: string;
  /** The browser sent the refresh cookie with it (SameSite did not stop it). */
  withCookie: boolean;
}

/**
 * What `GET /__stats` returns. A call is counted once answered, in one step with
 * everything its answer changed (`issued`, the logs, the counters): a snapshot
 * never shows a call half-way. Calls still in progress show only in `refreshInFlight`.
 */
export interface AuthServerStats {
  logins: number;
  /** `/refresh` requests received and not answered yet; not in any other counter or log. */
  refreshInFlight: number;
  /** Every answered `/refresh` request, accepted or not: `refreshSucceeded + refreshRejected`. */
  refreshCalls: number;
  /** Each one added an entry to `issued`: `issued.length === logins + refreshSucceeded`. */
  refreshSucceeded: number;
  /** Refused (401 for a bad token; also a malformed request). */
  refreshRejected: number;
  /** A spent refresh token was presented again (its family was revoked). */
  reuseDetections: number;
  /** `/logout` and `/auth/logout` requests. */
  logouts: number;
  /** Families revoked (logout, reuse, a cookie replaced by `/auth/login`, or `/__revoke`). */
  revocations: number;
  /** Requests to `/auth/*` refused by the CSRF check (403: foreign or missing `Origin`, no `X-Requested-With`); counted nowhere else. */
  csrfRefused: number;
  /** Requests to `/api/*`. */
  apiCalls: number;
  /** `/api/*` requests refused with 401. */
  apiUnauthorized: number;
  /** `/api/*` requests refused because the access token had expired. */
  apiExpiredToken: number;
  /** In the order the calls were answered. */
  refreshLog: RefreshLogEntry[];
  /** Oldest first. */
  issued: IssuedToken[];
  /** In the order the requests were decided. */
  apiLog: ApiLogEntry[];
  /** In the order the requests were refused. */
  csrfLog: CsrfLogEntry[];
  accessTtl: number;
  refreshTtl: number;
  /** Families not revoked. */
  activeFamilies: number;
}

export interface AuthServer {
  /** `http://127.0.0.1:<port>` (`https://` with `tls`) */
  url: string;
  /** Stops listening and drops open connections. */
  close: () => Promise<void>;
  /** A snapshot of the counters (what `GET /__stats` returns). */
  stats: () => AuthServerStats;
  /**
   * Every token this server signed, oldest first. In-process only, never served over HTTP: the
   * browser tests look for them where page scripts could read them.
   */
  tokens: () => { access: string[]; refresh: string[] };
  /** Revokes every refresh-token family (what `POST /__revoke` does with `testHooks`); returns how many. */
  revokeAll: () => number;
  /**
   * Refuses every access token issued so far with a 401 `token-revoked`, while
   * their refresh tokens stay valid (what `POST /__revoke-access` does with `testHooks`); returns how many.
   */
  revokeAccessTokens: () => number;
}

/** Starts the example's auth server on 127.0.0.1. */
export function startAuthServer(options?: AuthServerOptions): Promise<AuthServer>;
