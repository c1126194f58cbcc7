import { createSlice, type PayloadAction } from '@reduxjs/toolkit';
import { isCurrent, isNewerSession, sessionFromSignIn, signInStartedAt } from './session';
import { passed } from './token';
import type {
  AuthSession,
  AuthState,
  LiveStateReappliedPayload,
  RefreshFailedPayload,
  RefreshSucceededPayload,
  SessionRef,
  SessionRestoredPayload,
  SessionSyncedPayload,
  SignInParams,
  SignOutReason,
} from './types';

const idleRefresh = { status: 'idle', failures: 0, lastFailure: null, retryAt: null, checks: 0 } as const;

const initialState: AuthState = {
  session: null,
  tokenExpired: false,
  restoring: false,
  refresh: idleRefresh,
  storageRead: false,
};

/** A state with nothing of a session left; whether storage was read is a fact about the store, kept. */
function signedOut(state: AuthState): AuthState {
  return state.storageRead ? { ...initialState, storageRead: true } : initialState;
}

/** Whether `value` has the fields of an auth state (what `liveStateReapplied` must carry). */
function isAuthStateShaped(value: unknown): value is AuthState {
  if (typeof value !== 'object' || value === null) return false;
  const { session, refresh, tokenExpired, restoring } = value as Partial<Record<keyof AuthState, unknown>>;
  return (
    typeof session === 'object' &&
    typeof refresh === 'object' &&
    refresh !== null &&
    typeof tokenExpired === 'boolean' &&
    typeof restoring === 'boolean'
  );
}

/** How a session put in force starts out. */
interface Start {
  /** Its access token is already past its expiry: never handed out. */
  tokenExpired: boolean;
  /** Restored from storage with an expired access token: the first refresh is a restore. */
  restoring?: boolean;
}

/** `session` in force, with nothing pending: refresh bookkeeping idle. */
function startedWith(state: AuthState, session: AuthSession, start: Start): AuthState {
  return {
    ...signedOut(state),
    session,
    tokenExpired: start.tokenExpired,
    restoring: start.restoring ?? false,
  };
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
      /** Puts the prepared session in force. */
      // A token accepted within the clock-skew tolerance may already be past: never handed out then.
      reducer: (state, { payload }: PayloadAction<AuthSession>) =>
        startedWith(state, payload, { tokenExpired: passed(payload.expiresAt, payload.receivedAt) }),
      /** Validates the sign-in payload into a session, stamped with the time; throws `AuthError`. */
      prepare: (params: SignInParams) => {
        const now = Date.now();
        return { payload: sessionFromSignIn(params, now, signInStartedAt(now)) };
      },
    },
    /** End the session; storage is cleared by the persistence layer. */
    signOut: {
      /** Leaves nothing of the session. */
      reducer: signedOut,
      /** Why the session ends (default `'user'`). */
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
        { tokenExpired: passed(expiresAt, receivedAt) },
      );
    },
    /** A refresh failed. `'rejected'` ends the session; anything else schedules a retry. */
    refreshFailed(state, { payload }: PayloadAction<RefreshFailedPayload>) {
      if (!isCurrent(state, payload)) return;
      if (payload.reason === 'rejected') return signedOut(state);
      // A restore stays a restore until a token arrives: the app has nothing to send yet.
      state.refresh = {
        ...state.refresh,
        status: 'retrying',
        failures: state.refresh.failures + 1,
        lastFailure: payload.reason,
        retryAt: payload.retryAt,
      };
    },
    /**
     * The listener checks which state the store shows: a state that moves with this action is the
     * present, one that stays put is a past state a Redux DevTools monitor shows.
     */
    shownChecked(state) {
      state.refresh.checks += 1;
    },
    /**
     * The present no longer held the live auth state (a Redux DevTools history edit: a skipped,
     * swept, reordered or imported action, a commit or a rollback): the listener sets it back.
     */
    liveStateReapplied(state, { payload }: PayloadAction<LiveStateReappliedPayload>): AuthState | undefined {
      const { live } = payload;
      // Only the listener dispatches it, with its own copy; anything else changes nothing.
      if (!isAuthStateShaped(live)) return;
      return { ...live, storageRead: live.storageRead || state.storageRead };
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
      // A sign-out ends only the session it names: one that names none (malformed) ends nothing.
      if (session === null) return current !== null && ended === current.id ? signedOut(state) : undefined;
      const newer = current === null || isNewerSession(session, current);
      if (newer) return startedWith(state, session, { tokenExpired: passed(session.expiresAt, now) });
    },
    /** What storage held at startup, validated. Never overrides a session started meanwhile. */
    sessionRestored(state, action: PayloadAction<SessionRestoredPayload>) {
      const { session, now, hinted } = action.payload;
      const read = { ...state, storageRead: true };
      if (state.session !== null) return read;
      // Secure mode: only a hint was stored; a refresh restores the session.
      if (session === null) return hinted === true ? { ...read, restoring: true } : read;
      const expired = passed(session.expiresAt, now);
      // A session whose refresh token expired, or whose access token expired with nothing to renew it, is over.
      if (passed(session.refreshExpiresAt, now) || (expired && session.refreshToken === null)) return read;
      return startedWith(read, session, { tokenExpired: expired, restoring: expired });
    },
  },
});

/** The `auth` slice reducer, unpersisted. Mount it at `state.auth` (or use `persistAuthReducer`). */
export const authReducer = /* @__PURE__ */ (() => authSlice.reducer)();

export const {
  /**
   * Start a session from React Auth Kit's sign-in payload. Throws `AuthError`
   * (`'invalid-token'` / `'token-expired'`) before anything is dispatched.
   *
   * @example
   * ```ts
   * dispatch(signIn({ auth: { token, type: 'Bearer' }, refresh: refreshToken, userState: { name } }));
   * ```
   */
  signIn,
  /** End the session everywhere: state, storage and (with cross-tab sync) other tabs. */
  signOut,
  /** Dispatched by the listener when a refresh call starts. */
  refreshStarted,
  /** Dispatched by the listener with validated new tokens; ignored for a session that moved on. */
  refreshSucceeded,
  /** Dispatched by the listener when a refresh fails; `reason: 'rejected'` ends the session. */
  refreshFailed,
  /** Dispatched by the scheduler when the access token's expiry passes without a new one. */
  tokenExpired,
  /** Dispatched by the listener, before it sends a token, when it cannot tell which state the store shows. */
  shownChecked,
  /** Dispatched by the listener when a Redux DevTools history edit left the present without the live auth state. */
  liveStateReapplied,
  /** Dispatched by the listener with what storage held at startup, validated and time-stamped. */
  sessionRestored,
  /** Dispatched when another tab announces its session (or its sign-out). */
  sessionSynced,
} = authSlice.actions;
