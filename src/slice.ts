import { createSlice, type PayloadAction } from '@reduxjs/toolkit';
import { isNewerSession, sessionFromSignIn } from './session';
import { passed } from './token';
import type { AuthSession, AuthState, RefreshFailureReason, SignInParams, SignOutReason } from './types';

/** Names the session and token generation an asynchronous step was started for. */
export interface SessionRef {
  sessionId: string;
  generation: number;
}

/** Payload of {@link refreshSucceeded}: the new tokens, already validated. */
export interface RefreshSucceededPayload<U = unknown> extends SessionRef {
  token: string;
  tokenType: string;
  expiresAt: number | null;
  receivedAt: number;
  /** Replaces the stored refresh token when present (rotation). */
  refreshToken?: string;
  /** Replaces the refresh token's expiry when present. */
  refreshExpiresAt?: number | null;
  /** Replaces the user state when present (`null` clears it). */
  userState?: U | null;
}

/** Payload of {@link refreshFailed}. */
export interface RefreshFailedPayload extends SessionRef {
  reason: RefreshFailureReason;
  /** When the next attempt is due (epoch ms); ignored for `'rejected'`. */
  retryAt: number | null;
}

/** Payload of {@link sessionSynced}: the session another tab announced (`null`: it signed out). */
export interface SessionSyncedPayload<U = unknown> {
  session: AuthSession<U> | null;
  /** With `session: null`: the id of the session that ended; a different current session is kept. */
  ended?: string;
  now: number;
}

/** Payload of {@link sessionRestored}: what storage held, already validated, and when it was read. */
export interface SessionRestoredPayload<U = unknown> {
  session: AuthSession<U> | null;
  now: number;
}

const idleRefresh = { status: 'idle', failures: 0, lastFailure: null, retryAt: null } as const;

const initialState: AuthState = {
  session: null,
  tokenExpired: false,
  restoring: false,
  refresh: idleRefresh,
  storageRead: false,
};

/** Whether `state` still holds the session generation `ref` names. */
export function isCurrent(state: AuthState, ref: SessionRef): boolean {
  const { session } = state;
  return session !== null && session.id === ref.sessionId && session.generation === ref.generation;
}

/** A state with nothing of a session left; whether storage was read is a fact about the store, kept. */
function signedOut(state: AuthState): AuthState {
  return state.storageRead ? { ...initialState, storageRead: true } : initialState;
}

/** `session` in force, with nothing pending: refresh bookkeeping idle, its token live unless told otherwise. */
function startedWith(
  state: AuthState,
  session: AuthSession,
  tokenExpired = false,
  restoring = false,
): AuthState {
  return { ...signedOut(state), session, tokenExpired, restoring };
}

/**
 * The `auth` slice. Reducers are pure: every time they use arrives in a
 * payload, and results for a session or token generation that is no longer
 * current are ignored, so a late answer never revives a signed-out user.
 */
export const authSlice = /* @__PURE__ */ createSlice({
  name: 'auth',
  initialState,
  reducers: {
    /**
     * Start a session. Throws `AuthError` (before anything is dispatched)
     * for a malformed, opaque-without-expiry or expired token.
     */
    signIn: {
      // A token accepted within the clock-skew tolerance may already be past: never handed out then.
      reducer: (state, { payload }: PayloadAction<AuthSession>) =>
        startedWith(state, payload, passed(payload.expiresAt, payload.receivedAt)),
      prepare: (params: SignInParams) => ({ payload: sessionFromSignIn(params, Date.now()) }),
    },
    /** End the session; storage is cleared by the persistence layer. */
    signOut: {
      reducer: signedOut,
      prepare: (reason: SignOutReason = 'user') => ({ payload: { reason } }),
    },
    /** A refresh call for the given session has started. */
    refreshStarted(state, action: PayloadAction<SessionRef>) {
      if (isCurrent(state, action.payload)) state.refresh.status = 'refreshing';
    },
    /** New tokens arrived for the given session generation: the next generation starts, nothing pending. */
    refreshSucceeded(state, { payload }: PayloadAction<RefreshSucceededPayload>) {
      const session = state.session;
      if (session === null || !isCurrent(state, payload)) return;
      // Only the session's own fields are taken; what the payload leaves undefined keeps what the session had.
      const { token, tokenType, expiresAt, receivedAt, refreshToken, refreshExpiresAt, userState } = payload;
      return startedWith(
        state,
        {
          ...session,
          generation: session.generation + 1,
          token,
          tokenType,
          expiresAt,
          receivedAt,
          refreshToken: refreshToken ?? session.refreshToken,
          refreshExpiresAt: refreshExpiresAt === undefined ? session.refreshExpiresAt : refreshExpiresAt,
          userState: userState === undefined ? session.userState : userState,
        },
        passed(expiresAt, receivedAt),
      );
    },
    /** A refresh failed. `'rejected'` ends the session; anything else schedules a retry. */
    refreshFailed(state, { payload }: PayloadAction<RefreshFailedPayload>) {
      if (!isCurrent(state, payload)) return;
      if (payload.reason === 'rejected') return signedOut(state);
      // A restore stays a restore until a token arrives: the app has nothing to send yet.
      state.refresh = {
        status: 'retrying',
        failures: state.refresh.failures + 1,
        lastFailure: payload.reason,
        retryAt: payload.retryAt,
      };
    },
    /** The access token's expiry passed without a replacement: stop sending it. */
    tokenExpired(state, action: PayloadAction<SessionRef>) {
      if (isCurrent(state, action.payload)) state.tokenExpired = true;
    },
    /**
     * Another tab signed in, refreshed or signed out. A newer generation of the
     * same session, or a session signed in later than ours, replaces ours; a
     * sign-out ends only the session it names. Anything older is ignored, so
     * tabs converge whatever order messages arrive in.
     */
    sessionSynced(state, action: PayloadAction<SessionSyncedPayload>) {
      const { session, ended, now } = action.payload;
      const current = state.session;
      if (session === null) {
        return current !== null && (ended === undefined || ended === current.id)
          ? signedOut(state)
          : undefined;
      }
      const newer = current === null || isNewerSession(session, current);
      if (newer) return startedWith(state, session, passed(session.expiresAt, now));
    },
    /** What storage held at startup, validated. Never overrides a session started meanwhile. */
    sessionRestored(state, action: PayloadAction<SessionRestoredPayload>) {
      const { session, now } = action.payload;
      const read = { ...state, storageRead: true };
      const expired = passed(session?.expiresAt, now);
      // A session whose refresh token expired, or whose access token expired with nothing to renew it, is over.
      return state.session !== null ||
        session === null ||
        passed(session.refreshExpiresAt, now) ||
        (expired && session.refreshToken === null)
        ? read
        : startedWith(read, session, expired, expired);
    },
  },
});

/** The `auth` slice reducer, unpersisted. Mount it at `state.auth` (or use `persistAuthReducer`). */
export const authReducer = /* @__PURE__ */ (() => authSlice.reducer)();

type AuthActions = typeof authSlice.actions;
// Bundlers keep a property read of an unused export; a pure call lets them drop it (and the slice with it).
const action = <K extends keyof AuthActions>(name: K): AuthActions[K] => authSlice.actions[name];
/**
 * Start a session from React Auth Kit's sign-in payload. Throws `AuthError`
 * (`'invalid-token'` / `'token-expired'`) before anything is dispatched.
 *
 * @example
 * ```ts
 * dispatch(signIn({ auth: { token, type: 'Bearer' }, refresh: refreshToken, userState: { name } }));
 * ```
 */
export const signIn = /* @__PURE__ */ action('signIn');
/** End the session everywhere: state, storage and (with cross-tab sync) other tabs. */
export const signOut = /* @__PURE__ */ action('signOut');
/** Dispatched by the listener when a refresh call starts. */
export const refreshStarted = /* @__PURE__ */ action('refreshStarted');
/** Dispatched by the listener with validated new tokens; ignored for a session that moved on. */
export const refreshSucceeded = /* @__PURE__ */ action('refreshSucceeded');
/** Dispatched by the listener when a refresh fails; `reason: 'rejected'` ends the session. */
export const refreshFailed = /* @__PURE__ */ action('refreshFailed');
/** Dispatched by the scheduler when the access token's expiry passes without a new one. */
export const tokenExpired = /* @__PURE__ */ action('tokenExpired');
/** Dispatched by the listener with what storage held at startup, validated and time-stamped. */
export const sessionRestored = /* @__PURE__ */ action('sessionRestored');
/** Dispatched when another tab announces its session (or its sign-out). */
export const sessionSynced = /* @__PURE__ */ action('sessionSynced');
