// Hosts that lack browser globals: React Native's Hermes has no DOMException, workers and Node no
// window or document, Node 20 no navigator.locks. No jsdom pragma: this file runs in Node.
import { afterEach, describe, expect, test, vi } from 'vitest';
import { configureStore } from '@reduxjs/toolkit';
import {
  authReducer,
  createRefresh,
  refreshNow,
  RefreshAbortError,
  selectIsAuthenticated,
  selectRefreshStatus,
  signIn,
  signOut,
  type RefreshApiCallbackParam,
  type RefreshApiResult,
} from 'redux-auth-kit';
import { withFakeClock } from './support/clock';
import { jwtFor } from './support/jwt';
import { makeListener } from './support/harness';

const original = globalThis.DOMException;
withFakeClock();
afterEach(() => {
  globalThis.DOMException = original;
});

describe('a host without DOMException', () => {
  test('a refresh whose call never answers times out, resolves timeout, keeps the session and is retried', async () => {
    // @ts-expect-error -- deleting a global the DOM typings declare, as Hermes lacks it
    delete globalThis.DOMException;
    expect(typeof DOMException).toBe('undefined');
    const signals: AbortSignal[] = [];
    const refreshApiCallback = vi.fn(({ signal }: RefreshApiCallbackParam) => {
      signals.push(signal);
      return new Promise<RefreshApiResult>(() => {});
    });
    const auth = makeListener({ refresh: createRefresh({ refreshApiCallback }), random: () => 0 });
    const store = configureStore({
      reducer: { auth: authReducer },
      middleware: (gDM) => gDM().prepend(auth.middleware),
    });
    store.dispatch(signIn({ auth: { token: jwtFor(3600) }, refresh: 'r1' }));

    const outcome = store.dispatch(refreshNow());
    expect(refreshApiCallback).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(10_000);
    await expect(outcome).resolves.toEqual({ ok: false, reason: 'timeout' });
    expect(selectIsAuthenticated(store.getState())).toBe(true);
    expect(selectRefreshStatus(store.getState())).toBe('retrying');

    // The signal is aborted when the grace ends, with a reason of ours that needs no DOMException.
    await vi.advanceTimersByTimeAsync(5_000);
    expect(signals[0]!.aborted).toBe(true);
    expect(signals[0]!.reason).toBeInstanceOf(RefreshAbortError);
    expect(signals[0]!.reason).toMatchObject({ name: 'TimeoutError', cause: 'timeout' });

    const retryAt = store.getState().auth.refresh.retryAt!;
    await vi.advanceTimersByTimeAsync(retryAt - Date.now());
    expect(refreshApiCallback).toHaveBeenCalledTimes(2);
    expect(selectIsAuthenticated(store.getState())).toBe(true);
  });

  test('a sign-out during a call aborts its signal with an AbortError of ours', async () => {
    // @ts-expect-error -- as above
    delete globalThis.DOMException;
    const signals: AbortSignal[] = [];
    const refreshApiCallback = vi.fn(({ signal }: RefreshApiCallbackParam) => {
      signals.push(signal);
      return new Promise<RefreshApiResult>(() => {});
    });
    const auth = makeListener({ refresh: createRefresh({ refreshApiCallback }) });
    const store = configureStore({
      reducer: { auth: authReducer },
      middleware: (gDM) => gDM().prepend(auth.middleware),
    });
    store.dispatch(signIn({ auth: { token: jwtFor(3600) }, refresh: 'r1' }));
    const outcome = store.dispatch(refreshNow());
    store.dispatch(signOut());
    await expect(outcome).resolves.toEqual({ ok: false, reason: 'signed-out' });
    expect(signals[0]!.reason).toMatchObject({ name: 'AbortError', cause: 'signed-out' });
  });
});

describe('a host without window, document, BroadcastChannel or Web Locks', () => {
  test('a refresh runs, with no channel, lock or marker', async () => {
    expect(typeof window).toBe('undefined');
    expect(typeof document).toBe('undefined');
    const channel = globalThis.BroadcastChannel;
    // @ts-expect-error -- as React Native lacks it
    delete globalThis.BroadcastChannel;
    try {
      const refreshApiCallback = vi.fn(async (): Promise<RefreshApiResult> => ({
        isSuccess: true,
        newAuthToken: jwtFor(3600),
      }));
      const auth = makeListener({ refresh: createRefresh({ refreshApiCallback }) });
      const store = configureStore({
        reducer: { auth: authReducer },
        middleware: (gDM) => gDM().prepend(auth.middleware),
      });
      store.dispatch(signIn({ auth: { token: jwtFor(3600) }, refresh: 'r1' }));
      await expect(store.dispatch(refreshNow())).resolves.toEqual({ ok: true });
      expect(store.getState().auth.session?.generation).toBe(1);
    } finally {
      globalThis.BroadcastChannel = channel;
    }
  });
});
