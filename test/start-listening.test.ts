import { configureStore, createListenerMiddleware } from '@reduxjs/toolkit';
import { expect, test, vi } from 'vitest';
import {
  authReducer,
  createAuthListener,
  createRefresh,
  refreshNow,
  selectAuthToken,
  signIn,
} from 'redux-auth-kit';
import { withFakeClock } from './support/clock';
import { jwtFor } from './support/jwt';

withFakeClock();

test("the auth listeners work on an app's own listener middleware", async () => {
  const refreshApiCallback = vi.fn(async () => ({ isSuccess: true as const, newAuthToken: jwtFor(120) }));
  const auth = createAuthListener({ refresh: createRefresh({ refreshApiCallback }), wake: false });
  const appListener = createListenerMiddleware();
  const stop = auth.startListening(appListener.startListening);
  const store = configureStore({
    reducer: { auth: authReducer },
    middleware: (gDM) => gDM().prepend(appListener.middleware),
  });
  store.dispatch(signIn({ auth: { token: jwtFor(120) }, refresh: 'r1' }));
  await vi.advanceTimersByTimeAsync(59_999);
  expect(refreshApiCallback).not.toHaveBeenCalled();
  await vi.advanceTimersByTimeAsync(1);
  expect(refreshApiCallback).toHaveBeenCalledTimes(1);

  // There dispatch returns the action; auth.refresh() gives the outcome and joins the flight.
  const before = selectAuthToken(store.getState());
  expect(store.dispatch(refreshNow())).toEqual(refreshNow());
  await expect(auth.refresh()).resolves.toEqual({ ok: true });
  expect(refreshApiCallback).toHaveBeenCalledTimes(2);
  expect(selectAuthToken(store.getState())).not.toBe(before);

  stop();
  auth.dispose();
});
