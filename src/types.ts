/**
 * The durable part of a signed-in session: what is persisted, nothing else.
 * Expiries and arrival times are local epoch milliseconds.
 */
export interface AuthSession<U = unknown> {
  /** Random, non-secret id minted at sign-in; a result for another id is ignored. */
  id: string;
  /** Counts token replacements within this session; stale work for an older generation is ignored. */
  generation: number;
  /** The access token. */
  token: string;
  /** Scheme for the `Authorization` header, `'Bearer'` unless told otherwise. */
  tokenType: string;
  /** When the access token expires, or `null` when unknown (opaque token refreshed by interval). */
  expiresAt: number | null;
  /** Local time the current access token arrived; the interval and the margin count from it. */
  receivedAt: number;
  /** Local time of the sign-in that started this session; of two sessions, the later sign-in wins. */
  startedAt: number;
  /** The refresh token, or `null` when the server issued none (the session then ends with the access token). */
  refreshToken: string | null;
  /** When the refresh token expires, or `null` when unknown. */
  refreshExpiresAt: number | null;
  /** Whatever the app keeps about the user (must be serializable). */
  userState: U | null;
}

/** Why a refresh attempt failed. Only `'rejected'` ends the session. */
export type RefreshFailureReason = 'rejected' | 'network' | 'timeout' | 'invalid-response';

/**
 * Where the refresh machinery is:
 * `'idle'` (nothing in flight), `'refreshing'` (a call is in flight),
 * `'retrying'` (the last call failed transiently; another is scheduled at `retryAt`).
 */
export type RefreshStatus = 'idle' | 'refreshing' | 'retrying';

/**
 * What the app should render: `'signed-out'`, `'restoring'` (a stored session
 * whose access token expired is being refreshed; show a loading state, not a
 * login page) or `'signed-in'`.
 */
export type SessionStatus = 'signed-out' | 'restoring' | 'signed-in';

/** Why a session ended, carried by `signOut`. */
export type SignOutReason = 'user' | 'rejected' | 'expired';

/** The transient refresh bookkeeping. Never persisted. */
export interface RefreshState {
  /** What the refresh machinery is doing now; read it with `selectRefreshStatus`. */
  status: RefreshStatus;
  /** Consecutive transient failures; resets on success. */
  failures: number;
  /** Why the latest attempt failed, or `null` since the last success or sign-in (`'rejected'` ends the session instead). */
  lastFailure: RefreshFailureReason | null;
  /** When the next retry is due (epoch ms) while `status` is `'retrying'`. */
  retryAt: number | null;
  /**
   * How often the listener checked which state the store shows (`shownChecked`): when other
   * middleware changed the state without passing it an action (RTK Query does), or a Redux
   * DevTools monitor may show a past state. Only counts.
   */
  checks: number;
}

/** The `auth` slice. Only `session` is persisted (in secure mode, only whether a session may exist). */
export interface AuthState<U = unknown> {
  /** The signed-in session, or `null` when signed out (or while a secure-mode session is restored, see `restoring`). */
  session: AuthSession<U> | null;
  /** The access token's expiry has passed and no new one has arrived yet. */
  tokenExpired: boolean;
  /**
   * Restored with an expired access token; stays true until a refresh brings a new one or the
   * session ends. With no session (secure mode, after a reload): a session may exist and is being
   * restored by a refresh.
   */
  restoring: boolean;
  /** Refresh bookkeeping of the current session; back to idle on sign-in, on every new token and on sign-out. */
  refresh: RefreshState;
  /**
   * The persisted session has been read back (or there was none). Until then a
   * persisted store is `'restoring'`, not signed out. Irrelevant without persistence.
   */
  storageRead: boolean;
}

/** A root state with the auth slice mounted at `auth`. */
export interface AuthRootState<U = unknown> {
  /** The auth slice: mount `authReducer` or `persistAuthReducer(...)` here; the selectors read this key. */
  auth: AuthState<U>;
}

/**
 * The result of `dispatch(refreshNow())`: serializable, never rejects.
 * Besides the failure reasons, `'signed-out'` means there was (or no longer is)
 * a session, and `'unavailable'` that the session cannot be refreshed
 * (no refresh token, no `refreshApiCallback`, or an expired refresh token).
 */
export type RefreshOutcome =
  | {
      /** The session holds a fresh token: this refresh brought it, or a newer one arrived meanwhile (another tab's). */
      ok: true;
    }
  | {
      /** No new token came; of the reasons, only `'rejected'` ended the session. */
      ok: false;
      /** A {@link RefreshFailureReason}, `'signed-out'` (no session, or it ended meanwhile) or `'unavailable'` (it cannot be refreshed). */
      reason: RefreshFailureReason | 'signed-out' | 'unavailable';
    };

/** Names the session and token generation an asynchronous step was started for. */
export interface SessionRef {
  /** The {@link AuthSession.id} of the session the step was started for (`''` for secure mode's restore of no session yet). */
  sessionId: string;
  /** The {@link AuthSession.generation} it was started with; once the token is replaced, the step is stale and ignored. */
  generation: number;
}

/** Payload of `refreshSucceeded`: the new tokens, already validated. */
export interface RefreshSucceededPayload<U = unknown> extends SessionRef {
  /** The new access token. */
  token: string;
  /** Header scheme: the result's `newAuthTokenType`, else the session's current one. */
  tokenType: string;
  /**
   * When the new access token expires (epoch ms): `newAuthTokenExpireIn` or the JWT's `exp − iat`
   * counted from `receivedAt`, else its `exp`; `null` for an opaque token refreshed by `interval`.
   */
  expiresAt: number | null;
  /** Local time the result arrived (epoch ms), stamped by the listener; the next interval and margin count from it. */
  receivedAt: number;
  /** Replaces the stored refresh token when present (rotation). */
  refreshToken?: string;
  /** Replaces the refresh token's expiry when present. */
  refreshExpiresAt?: number | null;
  /** Replaces the user state when present (`null` clears it). */
  userState?: U | null;
}

/** Payload of `refreshFailed`. */
export interface RefreshFailedPayload extends SessionRef {
  /** Why the attempt failed: `'rejected'` ends the session, any other reason keeps it and schedules a retry. */
  reason: RefreshFailureReason;
  /** When the next attempt is due (epoch ms); ignored for `'rejected'`. */
  retryAt: number | null;
}

/** Payload of `sessionSynced`: the session another tab announced (`null`: it signed out). */
export interface SessionSyncedPayload<U = unknown> {
  /** The session the other tab now holds, or `null` when it signed out. */
  session: AuthSession<U> | null;
  /** With `session: null`: the id of the session that ended. Without it, or for another session, nothing ends. */
  ended?: string;
  /** When the announcement arrived (epoch ms): an access token expired by then is adopted but not handed out. */
  now: number;
}

/** Payload of `liveStateReapplied`: the auth state the listener follows, to put back in the present. */
export interface LiveStateReappliedPayload<U = unknown> {
  /** The live auth state: the one the latest auth action produced. */
  live: AuthState<U>;
}

/** Payload of `sessionRestored`: what storage held, already validated, and when it was read. */
export interface SessionRestoredPayload<U = unknown> {
  /** The session restored, or `null` when there is none (or only a hint). */
  session: AuthSession<U> | null;
  /** When storage was read (epoch ms): a refresh token expired by then means signed out, an access token a refresh first. */
  now: number;
  /**
   * Secure mode (`authType: 'memory'`): storage holds no session, only the hint that one may
   * exist; the store then restores it by a refresh (status `'restoring'`).
   */
  hinted?: boolean;
  /** The session came from that refresh, not from storage (so other tabs are told). */
  refreshed?: boolean;
}

/** React Auth Kit's sign-in payload. */
export interface SignInParams<U = unknown> {
  /** The access token and how to read it. */
  auth: {
    /** A JWT, or an opaque token when `expiresIn` is given. */
    token: string;
    /** Header scheme; defaults to `'Bearer'`. */
    type?: string;
    /** Seconds the access token lives; overrides the JWT's `exp`. Required for opaque tokens. */
    expiresIn?: number;
  };
  /** The refresh token, if the server issued one. */
  refresh?: string | null;
  /** Seconds the refresh token lives; otherwise read from its `exp` when it is a JWT. */
  refreshExpiresIn?: number;
  /** Whatever the app keeps about the user (must be serializable); read it with `selectAuthUser`. */
  userState?: U | null;
}
