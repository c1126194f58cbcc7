import { describe, expect, test, vi } from 'vitest';
import {
  refreshNow,
  selectAuthToken,
  selectAuthUser,
  selectIsAuthenticated,
  selectRefreshToken,
  sessionSynced,
  signIn,
  signOut,
} from 'redux-auth-kit';
import { withFakeClock } from './support/clock';
import { jwtFor } from './support/jwt';
import { expectEveryTokenSentOnce, openTabs } from './support/tabs';

// Tabs of one browser: the same authName, one storage, one lock manager, one
// channel hub, and a server that rotates refresh tokens and revokes the whole
// family when a spent one comes back. Access tokens live 60 s, so a refresh is
// due 30 s after each one arrives; every call takes 100 ms on the network.
const LATENCY = 100;
const CYCLE = 30_000 + LATENCY;

withFakeClock();

describe('one refresh per expiry across tabs', () => {
  test.each([2, 5])(
    '%i tabs over ten expiry cycles make one refresh call per cycle, send every refresh token once and end on the same tokens',
    async (count) => {
      const { tabs, server, locks, signInOn, expectInSync } = await openTabs({ count, latencyMs: LATENCY });
      const login = signInOn(tabs[0]!);
      await vi.advanceTimersByTimeAsync(0);
      expectInSync();

      for (let cycle = 1; cycle <= 10; cycle += 1) {
        await vi.advanceTimersByTimeAsync(CYCLE - 1);
        expect(server.counters.refreshCalls).toBe(cycle - 1);
        await vi.advanceTimersByTimeAsync(1);
        expect(server.counters.refreshCalls).toBe(cycle);
        const now = expectInSync();
        expect(now.signedIn).toBe(true);
        expect(now.refreshToken).toBe(server.current(login.family));
        expect(now.token).toBe(server.accessTokens.at(-1));
      }

      expect(server.counters.refreshCalls).toBe(10);
      expect(server.counters.reuseDetections).toBe(0);
      expect(server.counters.rejections).toBe(0);
      expectEveryTokenSentOnce(server);
      expect(server.tokensSeen.size).toBe(10);
      // Every tab asked for a refresh under the lock each cycle; nobody had to steal it.
      expect(locks.stats.grants).toBe(10 * count);
      expect(locks.stats.steals).toBe(0);
      // The tabs that did not call adopted what the caller wrote, inside the lock.
      const calls = tabs.reduce((sum, tab) => sum + tab.client.calls.length, 0);
      expect(calls).toBe(10);
    },
  );
});

describe('sign-in and sign-out everywhere', () => {
  test('a sign-in in one tab signs in the others without a reload', async () => {
    const { tabs, server, signInOn, expectInSync, typesOf } = await openTabs({ count: 3 });
    for (const tab of tabs) expect(selectIsAuthenticated(tab.store.getState())).toBe(false);
    const login = signInOn(tabs[1]!);
    // The channel delivers as a task: not yet.
    expect(selectIsAuthenticated(tabs[0]!.store.getState())).toBe(false);

    await vi.advanceTimersByTimeAsync(0);
    const now = expectInSync();
    expect(now).toEqual({
      signedIn: true,
      token: login.accessToken,
      refreshToken: login.refreshToken,
      generation: 0,
    });
    for (const tab of tabs) expect(selectAuthUser(tab.store.getState())).toEqual({ family: login.family });
    // No reload: each store rehydrated once, at creation; the others learned through sessionSynced.
    for (const tab of tabs) expect(typesOf(tab, 'persist/REHYDRATE')).toHaveLength(1);
    expect(typesOf(tabs[0]!, 'auth/sessionSynced')).toHaveLength(1);
    expect(typesOf(tabs[2]!, 'auth/sessionSynced')).toHaveLength(1);
    expect(typesOf(tabs[1]!, 'auth/sessionSynced')).toHaveLength(0);
    expect(server.counters.refreshCalls).toBe(0);
  });

  test('a later sign-in in another tab replaces the session in every tab', async () => {
    const { tabs, server, signInOn, expectInSync } = await openTabs({ count: 3 });
    signInOn(tabs[0]!);
    await vi.advanceTimersByTimeAsync(5_000);
    const second = signInOn(tabs[2]!);
    await vi.advanceTimersByTimeAsync(0);
    const now = expectInSync();
    expect(now.token).toBe(second.accessToken);
    expect(now.refreshToken).toBe(second.refreshToken);

    // Only the new session is refreshed from now on, once.
    await vi.advanceTimersByTimeAsync(CYCLE);
    expect(server.counters.refreshCalls).toBe(1);
    expect(server.log[0]?.refreshToken).toBe(second.refreshToken);
    expect(expectInSync().refreshToken).toBe(server.current(second.family));
  });

  test('sign-out in one tab signs out every tab, and no storage keeps any part of a token', async () => {
    const { tabs, server, memory, authName, signInOn, flushAll, expectInSync } = await openTabs({ count: 3 });
    signInOn(tabs[0]!);
    // Two refreshes, and the channel quiet again (a message posted during a timer lands 1 ms later).
    await vi.advanceTimersByTimeAsync(2 * CYCLE + 1);
    expect(server.counters.refreshCalls).toBe(2);
    await flushAll();
    expect(memory.data.has(authName)).toBe(true);

    tabs[1]!.store.dispatch(signOut());
    await vi.advanceTimersByTimeAsync(0);
    for (const tab of tabs) expect(selectIsAuthenticated(tab.store.getState())).toBe(false);
    expectInSync();
    await flushAll();

    expect(memory.data.has(authName)).toBe(false);
    const stored = [...memory.data.values()].join('\n');
    for (const token of [...server.accessTokens, ...server.issued]) {
      expect(stored).not.toContain(token);
      expect(stored).not.toContain(
        token.slice(Math.floor(token.length / 3), Math.ceil((2 * token.length) / 3)),
      );
    }
    // Nobody refreshes a session that ended.
    await vi.advanceTimersByTimeAsync(5 * CYCLE);
    expect(server.counters.refreshCalls).toBe(2);
    await flushAll();
    expect(memory.data.has(authName)).toBe(false);
  });

  test('a sign-out while other tabs wait for the lock makes none of them call', async () => {
    const { tabs, signInOn } = await openTabs({ count: 3 });
    signInOn(tabs[0]!);
    await vi.advanceTimersByTimeAsync(0);
    tabs[0]!.client.delayNext(5_000);
    // At the due time tab A holds the lock with a slow call; B and C wait behind it.
    await vi.advanceTimersByTimeAsync(30_000);
    expect(tabs[0]!.client.calls).toHaveLength(1);
    tabs[2]!.store.dispatch(signOut());
    await vi.advanceTimersByTimeAsync(10_000);

    for (const tab of tabs) expect(selectIsAuthenticated(tab.store.getState())).toBe(false);
    // Handed to a refreshApiCallback is sent: fetch puts it on the wire at once.
    expect(tabs[1]!.client.calls).toHaveLength(0);
    expect(tabs[2]!.client.calls).toHaveLength(0);
  });
});

describe('updates from another tab', () => {
  test('arrive as auth/sessionSynced and reschedule the receiving tab from the adopted token', async () => {
    const { tabs, server, signInOn, expectInSync } = await openTabs({ count: 2 });
    const [a, b] = [tabs[0]!, tabs[1]!];
    const start = Date.now();
    signInOn(a);
    await vi.advanceTimersByTimeAsync(10_000);

    // Tab A refreshes early (say a 401); B hears of it.
    const outcome = a.store.dispatch(refreshNow());
    await vi.advanceTimersByTimeAsync(LATENCY + 1);
    await expect(outcome).resolves.toEqual({ ok: true });
    const adopted = expectInSync();
    expect(adopted.generation).toBe(1);
    const synced = b.actions.filter(sessionSynced.match);
    expect(synced).toHaveLength(2);
    expect(synced[1]!.payload.session).toMatchObject({
      generation: 1,
      token: adopted.token,
      refreshToken: adopted.refreshToken,
    });
    // What the other tab did is not announced back.
    expect(a.actions.filter(sessionSynced.match)).toHaveLength(0);

    // Tab A closes. B's next refresh is due 30 s after the adopted token arrived, not at its old 30 s mark.
    a.auth.dispose();
    const adoptedAt = start + 10_000 + LATENCY;
    await vi.advanceTimersByTimeAsync(adoptedAt + 30_000 - 1 - Date.now());
    expect(b.client.calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(b.client.calls).toHaveLength(1);
    expect(b.client.calls[0]).toMatchObject({ at: adoptedAt + 30_000, refreshToken: adopted.refreshToken });
    await vi.advanceTimersByTimeAsync(LATENCY);
    expect(selectRefreshToken(b.store.getState())).toBe(server.issued.at(-1));
    expect(server.counters.reuseDetections).toBe(0);
  });
});

// Messages travel as tasks, and two tabs can act before hearing of each other.
describe('messages that cross on the way', () => {
  test('an older session announced late does not replace a newer one', async () => {
    const { tabs, hub, signInOn, expectInSync } = await openTabs({ count: 2 });
    const [a, b] = [tabs[0]!, tabs[1]!];
    hub.knobs.delayMs = 1_000;
    signInOn(a);
    await vi.advanceTimersByTimeAsync(500);
    // B signs in as someone else before A's (older) announcement arrives.
    const token = jwtFor(60);
    b.store.dispatch(signIn({ auth: { token }, refresh: 'rt-other' }));
    await vi.advanceTimersByTimeAsync(2_000);
    expect(expectInSync().token).toBe(token);
    expect(selectAuthToken(a.store.getState())).toBe(token);
  });

  test('a refresh announced just before a sign-out in another tab does not bring the session back', async () => {
    const { tabs, server, memory, authName, hub, signInOn, flushAll } = await openTabs({ count: 3 });
    signInOn(tabs[0]!);
    await vi.advanceTimersByTimeAsync(1);
    // Messages take 50 ms: tab A's refresh result and tab B's sign-out cross on the way.
    hub.knobs.delayMs = 50;
    await vi.advanceTimersByTimeAsync(CYCLE - 1);
    expect(server.counters.refreshCalls).toBe(1);
    tabs[1]!.store.dispatch(signOut());
    await vi.advanceTimersByTimeAsync(100);

    for (const tab of tabs)
      expect({ tab: tab.label, signedIn: selectIsAuthenticated(tab.store.getState()) }).toEqual({
        tab: tab.label,
        signedIn: false,
      });
    await flushAll();
    expect(memory.data.has(authName)).toBe(false);
    await vi.advanceTimersByTimeAsync(3 * CYCLE);
    expect(server.counters.refreshCalls).toBe(1);
    for (const tab of tabs) expect(selectIsAuthenticated(tab.store.getState())).toBe(false);
  });

  test('a sign-in in one tab is not undone by another tab refreshing the previous session meanwhile', async () => {
    const { tabs, server, hub, signInOn, expectInSync } = await openTabs({ count: 2 });
    const [a, b] = [tabs[0]!, tabs[1]!];
    signInOn(a);
    await vi.advanceTimersByTimeAsync(1);
    hub.knobs.delayMs = 50;
    // At 30 s tab A refreshes the session; while its call is on the network, the user signs in anew in tab B.
    await vi.advanceTimersByTimeAsync(30_050 - 1);
    expect(a.client.calls).toHaveLength(1);
    const second = signInOn(b);
    await vi.advanceTimersByTimeAsync(1_000);

    expect(server.counters.refreshCalls).toBe(1);
    const now = expectInSync();
    expect(now.token).toBe(second.accessToken);
    expect(now.refreshToken).toBe(second.refreshToken);
  });

  test('a sign-out in one tab and a new sign-in in another that cross leave every tab on the new session', async () => {
    const { tabs, hub, signInOn, expectInSync } = await openTabs({ count: 2 });
    const [a, b] = [tabs[0]!, tabs[1]!];
    signInOn(a);
    await vi.advanceTimersByTimeAsync(1_000);
    hub.knobs.delayMs = 50;
    // B signs out of the first session; 10 ms later, before hearing of it, A signs in again.
    b.store.dispatch(signOut());
    await vi.advanceTimersByTimeAsync(10);
    const second = signInOn(a);
    await vi.advanceTimersByTimeAsync(1_000);

    const now = expectInSync();
    expect(now.signedIn).toBe(true);
    expect(now.token).toBe(second.accessToken);
  });
});
