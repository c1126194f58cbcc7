import type { TypedStartListening } from '@reduxjs/toolkit';
import {
  refreshFailed,
  refreshSucceeded,
  sessionRestored,
  sessionSynced,
  signIn,
  signOut,
  type AuthSession,
  type RefreshFailureReason,
} from 'redux-auth-kit';
import { logged, sessionEnded, type RefreshTrigger } from './activity';
import { api } from './api';
import type { AppDispatch, RootState } from './store';
import type { User } from './types';

type StartAppListening = TypedStartListening<RootState, AppDispatch>;

const failureText: Record<RefreshFailureReason, string> = {
  rejected: 'The server refused the refresh token',
  network: 'Network error',
  timeout: 'The refresh call timed out',
  'invalid-response': 'The server sent an unusable answer',
};

const seconds = (ms: number): string => `${Math.max(0, Math.round(ms / 1000))} s`;

const lifetimeOf = ({ expiresAt, receivedAt }: Pick<AuthSession, 'expiresAt' | 'receivedAt'>): string =>
  expiresAt === null ? 'no expiry' : `valid ${seconds(expiresAt - receivedAt)}`;

const nameOf = (userState: unknown): string => (userState as User | null)?.name ?? 'user';

/** What started the refresh whose result arrives in state `before`: the button, a restore, or the library. */
const triggerOf = (before: RootState): RefreshTrigger =>
  before.activity.manualPending ? 'manual' : before.auth.restoring ? 'restore' : 'automatic';

/**
 * Fills the refresh log from the library's actions: one entry per action that
 * changed the session (results the slice ignored as stale are skipped here too).
 * `storageLabel` names where the session is kept, for the restore entry.
 */
export function startActivityLog(startAppListening: StartAppListening, storageLabel: string): void {
  startAppListening({
    actionCreator: refreshSucceeded,
    effect: (action, { getOriginalState, getState, dispatch }) => {
      const before = getOriginalState();
      if (before.auth.session?.generation === getState().auth.session?.generation) return;
      const rotated = action.payload.refreshToken !== undefined ? ' · refresh token rotated' : '';
      dispatch(
        logged({
          event: 'refresh',
          trigger: triggerOf(before),
          outcome: 'ok',
          detail: `New access token, ${lifetimeOf(action.payload)}${rotated}`,
        }),
      );
    },
  });

  startAppListening({
    actionCreator: refreshFailed,
    effect: (action, { getOriginalState, getState, dispatch }) => {
      const before = getOriginalState();
      if (before.auth === getState().auth) return;
      const { reason, retryAt } = action.payload;
      const rejected = reason === 'rejected';
      const next = rejected
        ? ' · signed out'
        : retryAt === null
          ? ''
          : ` · retrying in ${seconds(retryAt - Date.now())}`;
      dispatch(
        logged({
          event: 'refresh',
          trigger: triggerOf(before),
          outcome: rejected ? 'rejected' : 'retrying',
          detail: failureText[reason] + next,
        }),
      );
      if (rejected) {
        dispatch(sessionEnded('rejected'));
        dispatch(api.util.resetApiState());
      }
    },
  });

  startAppListening({
    actionCreator: signIn,
    effect: (action, { dispatch }) => {
      const detail = `Signed in as ${nameOf(action.payload.userState)}`;
      dispatch(logged({ event: 'signed-in', trigger: null, outcome: 'info', detail }));
    },
  });

  startAppListening({
    actionCreator: sessionRestored,
    effect: (action, { getOriginalState, getState, dispatch }) => {
      const { auth: now } = getState();
      const { hinted, refreshed } = action.payload;
      // Secure mode after a reload: only the hint was stored, and the library restores by a refresh.
      if (hinted === true && now.session === null && now.restoring) {
        const detail = `A session may exist (a hint in localStorage, no token): restoring it with ${storageLabel}`;
        dispatch(logged({ event: 'restored', trigger: null, outcome: 'info', detail }));
        return;
      }
      if (getOriginalState().auth.session !== null || now.session === null) return;
      // …and here is that refresh's result: the session, with a new access token.
      if (refreshed === true) {
        const detail = `Session restored with ${storageLabel} · new access token, ${lifetimeOf(now.session)}`;
        dispatch(logged({ event: 'refresh', trigger: 'restore', outcome: 'ok', detail }));
        return;
      }
      const detail = now.restoring
        ? `Session restored from ${storageLabel}; access token had expired, refreshing`
        : `Session restored from ${storageLabel}`;
      dispatch(logged({ event: 'restored', trigger: null, outcome: 'info', detail }));
    },
  });

  startAppListening({
    actionCreator: signOut,
    effect: (action, { getOriginalState, dispatch }) => {
      if (getOriginalState().auth.session === null) return;
      const { reason } = action.payload;
      const detail = reason === 'expired' ? 'Signed out: the refresh token expired' : 'Signed out';
      dispatch(logged({ event: 'signed-out', trigger: null, outcome: 'info', detail }));
      dispatch(sessionEnded(reason));
      dispatch(api.util.resetApiState());
    },
  });

  // Another tab signed in, refreshed or signed out, and this tab followed: it sent nothing itself,
  // so without these entries its countdown would jump with no word of why.
  startAppListening({
    actionCreator: sessionSynced,
    effect: (_action, { getOriginalState, getState, dispatch }) => {
      const before = getOriginalState().auth.session;
      const after = getState().auth.session;
      // Older news than this tab's own session: the slice kept what it had.
      if (before === after) return;
      if (after === null) {
        const detail = 'Signed out in another tab';
        dispatch(logged({ event: 'other-tab-sign-out', trigger: null, outcome: 'info', detail }));
        dispatch(sessionEnded('other-tab'));
        dispatch(api.util.resetApiState());
      } else if (before === null && getOriginalState().auth.restoring) {
        // Secure mode: this tab asked the open tabs for the access token before calling the server.
        const detail = 'Access token taken from another open tab · no call to the server';
        dispatch(logged({ event: 'other-tab-restore', trigger: null, outcome: 'ok', detail }));
      } else if (before !== null && before.id === after.id) {
        const detail = `Refreshed in another tab · new access token, ${lifetimeOf(after)}`;
        dispatch(logged({ event: 'other-tab-refresh', trigger: null, outcome: 'ok', detail }));
      } else {
        const detail = `Signed in in another tab as ${nameOf(after.userState)}`;
        dispatch(logged({ event: 'other-tab-sign-in', trigger: null, outcome: 'info', detail }));
        // A different session replaced this one: its data belongs to whoever signed in before.
        if (before !== null) dispatch(api.util.resetApiState());
      }
    },
  });
}
