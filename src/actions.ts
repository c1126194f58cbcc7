import { createAction } from '@reduxjs/toolkit';

/**
 * Ask for a refresh now. Through the auth middleware, `dispatch(refreshNow())`
 * returns a `Promise<RefreshOutcome>` and joins a refresh already in flight.
 */
export const refreshNow = /* @__PURE__ */ createAction('auth/refreshNow');
/**
 * Ask the scheduler to look at the wall clock now, before reading the auth
 * header: after a machine wakes, its timers may not have fired yet. An expired
 * token is withdrawn and a due refresh started at once, so a request sent next
 * waits for it (`withReauth` does this before every request).
 */
export const checkClock = /* @__PURE__ */ createAction('auth/checkClock');

/** The action {@link refreshNow} creates. */
export type RefreshNowAction = ReturnType<typeof refreshNow>;
