// @vitest-environment jsdom
// The generation marker beside localStorage (the `<authName>.gen` cookie) tells the next lock
// holder to wait for a write: it follows the session, comes with a store configured by hand, and
// a marker naming another session than the stored one (left over, or written by a tab whose
// stale write storage refused) must not stop refreshing for good.
import { configureStore } from '@reduxjs/toolkit';
import Cookies from 'js-cookie';
import { persistReducer, persistStore } from 'redux-persist';
import { beforeEach, describe, expect, test, vi } from 'vitest';
import {
  authPersistConfig,
  authReducer,
  createAuthListener,
  createAuthStorage,
  createCookieMarker,
  createRefresh,
  markerCookieName,
  PERSIST_ACTIONS,
  refreshNow,
  selectAuthHeader,
  selectIsAuthenticated,
  sessionSynced,
  signIn,
  signOut,
  type RefreshApiResult,
} from 'redux-auth-kit';
import { withFakeClock } from './support/clock';
import { clearCookiesAndLocalStorage, cookieNames, jar } from './support/cookies';
import { makeStore, uniqueAuthName } from './support/harness';
import { jwtFor } from './support/jwt';
import { createLockManager } from './support/locks';
import { expectEveryTokenSentOnce, openTabs } from './support/tabs';

// Access tokens live 60 s: a refresh is due 30 s after each one arrives; calls take 100 ms.
const LATENCY = 100;
const CYCLE = 30_000 + LATENCY;

withFakeClock();
beforeEach(() => {
  clearCookiesAndLocalStorage();
});

/** A refresh that always succeeds, recording the refresh token each call sent. */
function recordingRefresh() {
  const sent: Array<string | undefined> = [];
  const refresh = createRefresh({
    refreshApiCallback: async ({ refreshToken }) => {
      sent.push(refreshToken);
      return { isSuccess: true, newAuthToken: jwtFor(600) };
    },
  });
  return { sent, refresh };
}

describe('localStorage with the generation marker cookie', () => {
  test('tabs sharing localStorage over ten expiry cycles make one refresh call per cycle and keep the marker current', async () => {
    const { tabs, server, authName, signInOn, expectInSync } = await openTabs({
      count: 3,
      latencyMs: LATENCY,
      persist: 'localstorage',
      tab: (_index, _label, name) => ({ marker: createCookieMarker(`${name}.gen`) }),
    });
    const login = signInOn(tabs[0]!);
    await vi.advanceTimersByTimeAsync(1);
    for (let cycle = 1; cycle <= 10; cycle += 1) {
      await vi.advanceTimersByTimeAsync(CYCLE);
      expect(server.counters.refreshCalls).toBe(cycle);
      expect(expectInSync().refreshToken).toBe(server.current(login.family));
    }
    expect(server.counters.reuseDetections).toBe(0);
    expectEveryTokenSentOnce(server);
    const session = tabs[0]!.store.getState().auth.session!;
    expect(jar().get(`${authName}.gen`)).toBe(`${session.id}.${session.generation}`);
    expect(localStorage.getItem(authName)).toContain(server.current(login.family));

    tabs[1]!.store.dispatch(signOut());
    await vi.advanceTimersByTimeAsync(1);
    for (const tab of tabs) await tab.persistor.flush();
    expect(jar().has(`${authName}.gen`)).toBe(false);
    expect(localStorage.getItem(authName)).toBeNull();
  });

  test('createAuthStore keeps its default marker when the app injects other cross-tab parts', async () => {
    // authType 'localstorage' in a DOM gets a `<authName>.gen` marker by default; passing
    // `listener.crossTab` with only locks and a channel must not silently drop it.
    const { tabs, authName, signInOn } = await openTabs({ count: 2, persist: 'localstorage' });
    signInOn(tabs[0]!);
    await vi.advanceTimersByTimeAsync(1);
    expect(jar().has(`${authName}.gen`)).toBe(true);
  });

  test('a store configured by hand over localStorage gets the generation marker without createAuthStore', async () => {
    const authName = uniqueAuthName();
    const storage = createAuthStorage({ authName, authType: 'localstorage' });
    const auth = createAuthListener({
      authName,
      storage,
      wake: false,
      crossTab: { locks: createLockManager(), channel: null },
    });
    const store = configureStore({
      reducer: { auth: persistReducer(authPersistConfig({ authName, storage }), authReducer) },
      middleware: (gDM) =>
        gDM({ serializableCheck: { ignoredActions: PERSIST_ACTIONS } }).prepend(auth.middleware),
    });
    const persistor = persistStore(store);
    await vi.advanceTimersByTimeAsync(10);

    store.dispatch(signIn({ auth: { token: jwtFor(600) }, refresh: 'rt-marker' }));
    await vi.advanceTimersByTimeAsync(10);
    expect(cookieNames()).toContain(`${authName}.gen`);
    expect(decodeURIComponent(document.cookie)).not.toContain('rt-marker');

    store.dispatch(signOut());
    await vi.advanceTimersByTimeAsync(10);
    expect(cookieNames()).not.toContain(`${authName}.gen`);
    auth.dispose();
    persistor.pause();
  });
});

describe('a marker naming another session', () => {
  test('a left-over marker naming another session does not stop the refresh', async () => {
    const { tabs, server, authName, signInOn } = await openTabs({
      count: 1,
      persist: 'localstorage',
      latencyMs: LATENCY,
    });
    const [a] = tabs;
    const login = signInOn(a!);
    await vi.advanceTimersByTimeAsync(1);
    // What an earlier session (another tab, an old page) left behind.
    Cookies.set(markerCookieName(authName), 'an-earlier-session.3', { sameSite: 'Lax' });

    // Due at 30 s; the token expires at 60 s.
    await vi.advanceTimersByTimeAsync(59_000);
    expect(
      server.log.map((call) => call.refreshToken),
      'refresh calls reaching the server',
    ).toEqual([login.refreshToken]);
    expect(selectAuthHeader(a!.store.getState()), 'a live token').not.toBeNull();
  });

  test('after a refresh of an old session lands just after another tab signed in, the new session is still refreshed', async () => {
    const { tabs, server, hub, signInOn } = await openTabs({
      count: 2,
      persist: 'localstorage',
      latencyMs: LATENCY,
    });
    const [a, b] = tabs as [(typeof tabs)[number], (typeof tabs)[number]];
    // B never hears of A's session: it stays signed out until it signs in itself.
    let bHears = false;
    hub.knobs.drop = (delivery) => delivery.to === 'B' && !bHears;
    // Messages take 50 ms, longer than the steps below.
    hub.knobs.delayMs = 50;
    // Both tabs have written what they read at startup.
    await vi.advanceTimersByTimeAsync(1);
    const first = signInOn(a);
    await vi.advanceTimersByTimeAsync(100);
    expect(selectIsAuthenticated(b.store.getState())).toBe(false);

    // A's refresh of session 1 goes out at 30 s and is answered late.
    const gate = a.client.hangNext();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(a.client.calls).toHaveLength(1);

    // B signs in session 2; A's answer for session 1 lands before B's message reaches A.
    bHears = true;
    const second = signInOn(b);
    await vi.advanceTimersByTimeAsync(1);
    const answer = server.refresh(first.refreshToken, 'A');
    const result: RefreshApiResult = answer.ok
      ? { isSuccess: true, newAuthToken: answer.accessToken, newRefreshToken: answer.refreshToken }
      : { isSuccess: false };
    gate.resolve(result);
    await vi.advanceTimersByTimeAsync(200);

    // Session 2's token arrived at 30 s: due at 60 s, expired at 90 s.
    await vi.advanceTimersByTimeAsync(58_000);
    for (const tab of [a, b]) {
      const held = tab.store.getState().auth.session?.refreshToken;
      expect(held, `tab ${tab.label} holds session 2`).toBe(server.current(second.family));
      expect(selectAuthHeader(tab.store.getState()), `tab ${tab.label} has a live token`).not.toBeNull();
    }
    expect(
      server.log.filter((call) => call.refreshToken === second.refreshToken),
      'session 2 was refreshed once',
    ).toHaveLength(1);
    expect(server.counters.reuseDetections).toBe(0);
  });
});

describe('a refresh that re-reads localStorage before calling', () => {
  test('a refresh whose session moved on while storage was re-read sends nothing', async () => {
    const { sent, refresh } = recordingRefresh();
    const { store, persistor } = await makeStore({
      authName: uniqueAuthName(),
      authType: 'localstorage',
      refresh,
    });
    store.dispatch(signIn({ auth: { token: jwtFor(600) }, refresh: 'r1' }));
    await persistor.flush();
    // While this tab reads storage before calling, another tab's refresh is announced: its write
    // did not reach storage, so only the announcement says that r1 is spent.
    const read = vi.spyOn(Storage.prototype, 'getItem').mockImplementationOnce(function (this: Storage, key) {
      const session = store.getState().auth.session!;
      store.dispatch(
        sessionSynced({
          session: { ...session, generation: 1, token: jwtFor(600), refreshToken: 'r2' },
          now: Date.now(),
        }),
      );
      // The stored value itself is still the old one.
      return Storage.prototype.getItem.call(this, key);
    });
    const outcome = await (store.dispatch as (action: unknown) => Promise<unknown>)(refreshNow());

    expect(read).toHaveBeenCalled();
    expect(sent).toEqual([]);
    expect(outcome).toEqual({ ok: true });
    expect(store.getState().auth.session).toMatchObject({ generation: 1, refreshToken: 'r2' });
  });

  test('a refresh waiting for lagging storage settles as done when the session moves on meanwhile', async () => {
    const { sent, refresh } = recordingRefresh();
    const authName = uniqueAuthName();
    const { store, persistor } = await makeStore({ authName, authType: 'localstorage', refresh });
    store.dispatch(signIn({ auth: { token: jwtFor(600) }, refresh: 'r1' }));
    await persistor.flush();
    const session = store.getState().auth.session!;
    // The marker says another tab stored generation 1; this tab's localStorage has not caught up.
    document.cookie = `${markerCookieName(authName)}=${session.id}.1; path=/`;
    const outcome = (store.dispatch as (action: unknown) => Promise<unknown>)(refreshNow());
    await vi.advanceTimersByTimeAsync(100);
    // Its announcement arrives while this tab still waits for storage, which goes on lagging.
    vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {});
    store.dispatch(
      sessionSynced({ session: { ...session, generation: 1, refreshToken: 'r2' }, now: Date.now() }),
    );
    await vi.advanceTimersByTimeAsync(1_500);

    await expect(outcome).resolves.toEqual({ ok: true });
    expect(sent).toEqual([]);
  });
});
