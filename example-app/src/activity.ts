import { createSlice, type PayloadAction } from '@reduxjs/toolkit';
import type { SignOutReason } from 'redux-auth-kit';

/**
 * What started a refresh, as far as the app can tell: the "Refresh now"
 * button, the restore of a stored session, or the library on its own (the
 * schedule, a wake-up, or a 401 answered by `withReauth`).
 */
export type RefreshTrigger = 'automatic' | 'manual' | 'restore';

/**
 * What happened to the session. The `other-tab-…` events are another tab's
 * sign-in, refresh or sign-out that this tab followed (`auth/sessionSynced`):
 * this tab sent nothing for them.
 */
export type ActivityEvent =
  | 'signed-in'
  | 'restored'
  | 'refresh'
  | 'signed-out'
  | 'other-tab-sign-in'
  | 'other-tab-refresh'
  | 'other-tab-sign-out'
  /** Secure mode: a new tab or a reload took the access token from an open tab, with no call. */
  | 'other-tab-restore';

export interface ActivityEntry {
  id: number;
  /** Local epoch ms. */
  at: number;
  event: ActivityEvent;
  /** For `refresh` only. */
  trigger: RefreshTrigger | null;
  outcome: 'ok' | 'retrying' | 'rejected' | 'info';
  detail: string;
}

export interface ActivityState {
  /** Newest first, at most {@link MAX_ENTRIES}. */
  entries: ActivityEntry[];
  nextId: number;
  /**
   * "Refresh now" was clicked and its refresh has not ended yet: a refresh
   * result logged meanwhile is labelled manual.
   */
  manualPending: boolean;
  /** How the last session ended, for the sign-in page. Cleared by a new sign-in. */
  ended: { at: number; reason: SessionEndReason } | null;
}

/**
 * Why the session ended: the library's sign-out reasons, another tab's sign-out that this tab
 * followed, or a switch out of secure mode (its refresh token cannot leave the `HttpOnly` cookie).
 */
export type SessionEndReason = SignOutReason | 'other-tab' | 'left-secure-mode';

const startsSession = (event: ActivityEvent): boolean =>
  event === 'signed-in' || event === 'other-tab-sign-in' || event === 'other-tab-restore';

const MAX_ENTRIES = 50;

const initialState: ActivityState = { entries: [], nextId: 1, manualPending: false, ended: null };

/**
 * The demo's own slice: a log of what the session did (refreshes with their
 * outcome and reason, sign-in, restore, sign-out, and what other tabs did to
 * it). Filled by the listeners in `activityLog.ts`; `logged` stamps the time
 * in the action, so the reducer stays pure.
 */
export const activitySlice = createSlice({
  name: 'activity',
  initialState,
  reducers: {
    logged: {
      reducer(state, action: PayloadAction<Omit<ActivityEntry, 'id'>>) {
        state.entries.unshift({ ...action.payload, id: state.nextId });
        state.entries.length = Math.min(state.entries.length, MAX_ENTRIES);
        state.nextId += 1;
        if (action.payload.event === 'refresh') state.manualPending = false;
        if (startsSession(action.payload.event)) state.ended = null;
      },
      prepare(entry: Omit<ActivityEntry, 'id' | 'at'>) {
        return { payload: { ...entry, at: Date.now() } };
      },
    },
    manualRefreshRequested(state) {
      state.manualPending = true;
    },
    /**
     * The refresh "Refresh now" asked for ended, whatever the outcome — also when
     * it sent nothing because another tab had just refreshed, and nothing was logged.
     */
    manualRefreshSettled(state) {
      state.manualPending = false;
    },
    sessionEnded: {
      reducer(state, action: PayloadAction<{ at: number; reason: SessionEndReason }>) {
        state.ended = action.payload;
        state.manualPending = false;
      },
      prepare(reason: SessionEndReason) {
        return { payload: { at: Date.now(), reason } };
      },
    },
  },
});

export const { logged, manualRefreshRequested, manualRefreshSettled, sessionEnded } = activitySlice.actions;
export const activityReducer = activitySlice.reducer;
