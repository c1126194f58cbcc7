import { createAction } from '@reduxjs/toolkit';

/**
 * Ask for a refresh now. Through the auth middleware, `dispatch(refreshNow())`
 * returns a `Promise<RefreshOutcome>` and joins a refresh already in flight.
 */
export const refreshNow = /* @__PURE__ */ createAction('auth/refreshNow');
/** The action {@link refreshNow} creates. */
export type RefreshNowAction = ReturnType<typeof refreshNow>;
