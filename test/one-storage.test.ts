// @vitest-environment jsdom
// "One storage, however the store is built": the short manual form — persistAuthReducer({ authName,
// authType }) beside createAuthListener({ refresh, authName }) — coordinates tabs like createAuthStore.
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { configureStore, type UnknownAction } from '@reduxjs/toolkit';
import { persistStore } from 'redux-persist';
import {
  authReducer,
  createAuthListener,
  createRefresh,
  PERSIST_ACTIONS,
  persistAuthReducer,
  selectIsAuthenticated,
  selectRefreshToken,
  signOut,
  type AuthListener,
} from 'redux-auth-kit';
import { withFakeClock } from './support/clock';
import { createChannelHub } from './support/channel';
import { clearCookiesAndLocalStorage } from './support/cookies';
import { uniqueAuthName } from './support/harness';
import { createLockManager } from './support/locks';
import { createRotatingServer } from './support/rotatingServer';
import { expectEveryTokenSentOnce, signInWith } from './support/tabs';

const LATENCY = 100;
const CYCLE = 30_000 + LATENCY;

const listeners: AuthListener[] = [];
withFakeClock();
beforeEach(() => {
  clearCookiesAndLocalStorage();
});
afterEach(() => {
  while (listeners.length > 0) listeners.pop()!.dispose();
});

/** `count` stores built by hand in the README's short form, as the tabs of one browser. */
async function shortFormTabs(count: number, authType: 'cookie' | 'localstorage') {
  const authName = uniqueAuthName();
  const server = createRotatingServer();
  const locks = createLockManager();
  const hub = createChannelHub();
  const warnings: unknown[] = [];
  const tabs = [];
  for (let i = 0; i < count; i += 1) {
    const label = String.fromCharCode(65 + i);
    const client = server.client(label, { latencyMs: LATENCY });
    // What the README shows; only the Web Locks and the channel are injected (jsdom has neither).
    const auth = createAuthListener({
      refresh: createRefresh({ refreshApiCallback: client.callback }),
      authName,
      crossTab: { locks: locks.manager, channel: hub.as(label) },
      wake: false,
      random: () => 0,
      logger: {
        error: (...args: unknown[]) => warnings.push(args),
        warn: (...args: unknown[]) => warnings.push(args),
      },
    });
    listeners.push(auth);
    const store = configureStore({
      reducer: { auth: persistAuthReducer({ authName, authType }) },
      middleware: (gDM) =>
        gDM({ serializableCheck: { ignoredActions: PERSIST_ACTIONS } }).prepend(auth.middleware),
    });
    const persistor = persistStore(store);
    await vi.advanceTimersByTimeAsync(1);
    tabs.push({ label, store, persistor, client });
  }
  return { authName, server, tabs, warnings };
}

describe.each(['localstorage', 'cookie'] as const)('three hand-configured stores over %s', (authType) => {
  test('make one refresh per expiry, never send a refresh token twice, and sign out together', async () => {
    const { tabs, server, warnings } = await shortFormTabs(3, authType);
    const login = signInWith(server, tabs[0]!.store as { dispatch: (action: UnknownAction) => unknown });
    await vi.advanceTimersByTimeAsync(1);

    for (let cycle = 1; cycle <= 5; cycle += 1) {
      await vi.advanceTimersByTimeAsync(CYCLE);
      expect(server.counters.refreshCalls).toBe(cycle);
      for (const tab of tabs)
        expect(selectRefreshToken(tab.store.getState())).toBe(server.current(login.family));
    }
    expect(server.counters.reuseDetections).toBe(0);
    expectEveryTokenSentOnce(server);
    expect(warnings).toEqual([]);

    tabs[1]!.store.dispatch(signOut());
    await vi.advanceTimersByTimeAsync(100);
    for (const tab of tabs) expect(selectIsAuthenticated(tab.store.getState())).toBe(false);
    await vi.advanceTimersByTimeAsync(10 * CYCLE);
    expect(server.counters.refreshCalls).toBe(5);
  });
});

test('a persisted store whose listener has no storage says so once, at creation', async () => {
  const authName = uniqueAuthName();
  const warn = vi.fn();
  const auth = createAuthListener({ authName, wake: false, logger: { error: vi.fn(), warn } });
  listeners.push(auth);
  // persistReducer with an engine of its own, not from persistAuthReducer: nothing tells the listener.
  const { persistReducer } = await import('redux-persist');
  const { authPersistConfig, createAuthStorage } = await import('redux-auth-kit');
  const storage = createAuthStorage({ authName: `${authName}-other`, authType: 'localstorage' });
  const store = configureStore({
    reducer: { auth: persistReducer(authPersistConfig({ authName, storage }), authReducer) },
    middleware: (gDM) =>
      gDM({ serializableCheck: { ignoredActions: PERSIST_ACTIONS } }).prepend(auth.middleware),
  });
  persistStore(store);
  await vi.advanceTimersByTimeAsync(1);
  expect(warn).toHaveBeenCalledTimes(1);
  expect(warn.mock.calls[0]![0]).toContain(`"${authName}" is persisted but its listener has no storage`);
  expect(warn.mock.calls[0]![0]).toContain('createAuthListener({ storage })');
});
