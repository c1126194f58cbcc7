import { createListenerMiddleware } from '@reduxjs/toolkit';
import {
  createAuthStorage,
  refreshFailed,
  refreshSucceeded,
  sessionRestored,
  signIn,
  signOut,
  type RefreshFailureReason,
} from 'redux-auth-kit';
import { createAuthStore } from 'redux-auth-kit/store';
import { activityReducer, logged, sessionEnded, type RefreshTrigger } from './activity';
import { api } from './api';
import { refresh } from './server';
import { readStoragePreference, writeStoragePreference } from './storagePreference';
import type { AuthType, User } from './types';

/** The cookie name / localStorage key of the session (React Auth Kit's default). */
export const AUTH_NAME = '_auth';

export const authType: AuthType = readStoragePreference();

const listener = createListenerMiddleware();

export const { store, persistor, auth } = createAuthStore<
  User,
  {
    activity: typeof activityReducer;
    api: typeof api.reducer;
  }
>({
  authName: AUTH_NAME,
  authType,
  refresh,
  reducer: { activity: activityReducer, [api.reducerPath]: api.reducer },
  middleware: [listener.middleware, api.middleware],
});

export type RootState = ReturnType<typeof store.getState>;
export type AppDispatch = typeof store.dispatch;
export type AppStore = typeof store;

const startAppListening = listener.startListening.withTypes<RootState, AppDispatch>();

const storageLabel = authType === 'cookie' ? 'a cookie' : 'localStorage';

const failureText: Record<RefreshFailureReason, string> = {
  rejected: 'The server refused the refresh token',
  network: 'Network error',
  timeout: 'The refresh call timed out',
  'invalid-response': 'The server sent an unusable answer',
};

const seconds = (ms: number): string => `${Math.max(0, Math.round(ms / 1000))} s`;

// The refresh log: one entry per result that changed the session (stale results are ignored by the slice, and here).
startAppListening({
  actionCreator: refreshSucceeded,
  effect: (action, { getOriginalState, getState, dispatch }) => {
    const before = getOriginalState();
    if (before.auth.session?.generation === getState().auth.session?.generation) return;
    const trigger: RefreshTrigger = before.activity.manualPending
      ? 'manual'
      : before.auth.restoring
        ? 'restore'
        : 'automatic';
    const { expiresAt, receivedAt, refreshToken } = action.payload;
    const lifetime = expiresAt === null ? 'no expiry' : `valid ${seconds(expiresAt - receivedAt)}`;
    const rotated = refreshToken !== undefined ? ' · refresh token rotated' : '';
    dispatch(
      logged({ event: 'refresh', trigger, outcome: 'ok', detail: `New access token, ${lifetime}${rotated}` }),
    );
  },
});

startAppListening({
  actionCreator: refreshFailed,
  effect: (action, { getOriginalState, getState, dispatch }) => {
    const before = getOriginalState();
    if (before.auth === getState().auth) return;
    const trigger: RefreshTrigger = before.activity.manualPending
      ? 'manual'
      : before.auth.restoring
        ? 'restore'
        : 'automatic';
    const { reason, retryAt } = action.payload;
    if (reason === 'rejected') {
      dispatch(
        logged({
          event: 'refresh',
          trigger,
          outcome: 'rejected',
          detail: `${failureText[reason]} · signed out`,
        }),
      );
      dispatch(sessionEnded('rejected'));
      dispatch(api.util.resetApiState());
      return;
    }
    const retry = retryAt === null ? '' : ` · retrying in ${seconds(retryAt - Date.now())}`;
    dispatch(
      logged({ event: 'refresh', trigger, outcome: 'retrying', detail: `${failureText[reason]}${retry}` }),
    );
  },
});

startAppListening({
  actionCreator: signIn,
  effect: (action, { dispatch }) => {
    const name = (action.payload.userState as User | null)?.name ?? 'user';
    dispatch(logged({ event: 'signed-in', trigger: null, outcome: 'info', detail: `Signed in as ${name}` }));
  },
});

startAppListening({
  actionCreator: sessionRestored,
  effect: (_action, { getOriginalState, getState, dispatch }) => {
    const { auth: now } = getState();
    if (getOriginalState().auth.session !== null || now.session === null) return;
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

/** Resolves once no refresh call is in flight. */
function refreshSettled(): Promise<void> {
  return new Promise((resolve) => {
    let unsubscribe: () => void = () => {};
    const check = (): boolean => {
      if (store.getState().auth.refresh.status === 'refreshing') return false;
      unsubscribe();
      resolve();
      return true;
    };
    if (!check()) unsubscribe = store.subscribe(check);
  });
}

/**
 * Moves the stored session to the other storage and reloads, so the user
 * stays signed in. The refresh machinery is stopped first: a refresh that
 * rotated the token after the copy would leave a spent token in the new
 * storage, and the server would treat its next use as token reuse.
 */
export async function switchStorage(next: AuthType): Promise<void> {
  if (next === authType) return;
  await refreshSettled();
  auth.dispose();
  await persistor.flush();
  persistor.pause();
  const from = createAuthStorage({ authName: AUTH_NAME, authType });
  const to = createAuthStorage({ authName: AUTH_NAME, authType: next });
  const value = await from.getItem(AUTH_NAME);
  if (value !== null) await to.setItem(AUTH_NAME, value);
  await from.removeItem(AUTH_NAME);
  writeStoragePreference(next);
  window.location.reload();
}
