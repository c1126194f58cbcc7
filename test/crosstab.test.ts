import { describe, expect, onTestFinished, test, vi } from 'vitest';
import {
  refreshNow,
  selectAuthUser,
  selectIsAuthenticated,
  selectRefreshToken,
  sessionSynced,
  signOut,
  type ChannelLike,
} from 'redux-auth-kit';
import { withFakeClock } from './support/clock';
import { makeStore } from './support/harness';
import { createRotatingServer } from './support/rotatingServer';
import { expectEveryTokenSentOnce, held, openBrowser, openTabs, signedIn, synced } from './support/tabs';

// Tabs of one browser: the same authName, one storage, one lock manager, one
// channel hub, and a server that rotates refresh tokens and revokes the whole
// family when a spent one comes back. Access tokens live 60 s, so a refresh is
// due 30 s after each one arrives; every call takes 100 ms on the network.
// openTabs opens every tab at once; openBrowser one at a time, so that a later
// tab restores from storage.
const LATENCY = 100;
const CYCLE = 30_000 + LATENCY;

// Captured before fake timers replace it: lets Node report unhandled rejections between steps.
const realSetImmediate = globalThis.setImmediate;
const realMacrotask = (): Promise<void> => new Promise((resolve) => realSetImmediate(resolve));

withFakeClock();

/** A channel whose outgoing messages can be held back and posted later, one at a time. */
function holdableChannel(open: (name: string) => ChannelLike) {
  let holding = false;
  const queue: Array<{ channel: ChannelLike; data: unknown }> = [];
  const factory = (name: string): ChannelLike => {
    const channel = open(name);
    return {
      postMessage: (data) => {
        if (holding) queue.push({ channel, data: structuredClone(data) });
        else channel.postMessage(data);
      },
      addEventListener: (type, listener) => channel.addEventListener(type, listener),
      removeEventListener: (type, listener) => channel.removeEventListener(type, listener),
      close: () => channel.close(),
    };
  };
  return {
    factory,
    queue,
    hold: (): void => {
      holding = true;
    },
    /** Posts the oldest held message now. */
    releaseFirst: (): void => {
      const next = queue.shift();
      next?.channel.postMessage(next.data);
    },
  };
}

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

describe('sliding refresh-token expiry', () => {
  test('a tab whose own refresh-token expiry is out of date does not sign everyone out', async () => {
    // Every refresh extends the refresh token's life to 60 s from then.
    const server = createRotatingServer({ refreshTtl: 60 });
    const { hub, open, signInOn } = openBrowser(server);
    const a = await open('A');
    // B refreshes only at the access token's expiry (a margin of 0), which is also when its
    // refresh token expires unless it hears of A's refreshes.
    const b = await open('B', { margin: 0 });
    const start = Date.now();
    const login = signInOn(a);
    await vi.advanceTimersByTimeAsync(1);
    expect(signedIn(b)).toBe(true);
    hub.knobs.drop = (delivery) => delivery.to === 'B';

    // A refreshes at 30 s (refresh token now good until 90.1 s); B hears nothing.
    await vi.advanceTimersByTimeAsync(start + CYCLE - Date.now());
    expect(server.counters.refreshCalls).toBe(1);
    expect(b.store.getState().auth.session?.refreshExpiresAt).toBe(start + 60_000);

    // At 60 s B's refresh token has expired by its own record, not by storage's.
    await vi.advanceTimersByTimeAsync(start + 60_050 - Date.now());
    expect(held(a)).toMatchObject({
      signedIn: true,
      generation: 1,
      refreshToken: server.current(login.family),
    });
    expect(held(b)).toEqual(held(a));
    expect(b.store.getState().auth.session?.refreshExpiresAt).toBe(start + CYCLE + 60_000);
    expect(a.actions.filter(signOut.match)).toHaveLength(0);
    expect(server.counters.reuseDetections).toBe(0);
  });
});

describe('sessions that ended in another tab', () => {
  test('a tab that rehydrated its session and missed the sign-out message does not refresh it or write it back', async () => {
    const { authName, server, hub, memory, open, signInOn } = openBrowser();
    const a = await open('A');
    const login = signInOn(a);
    await vi.advanceTimersByTimeAsync(1);
    await a.persistor.flush();
    expect(memory.data.has(authName)).toBe(true);

    // Tab B opens now: it restores the session from storage, not from a message.
    const b = await open('B');
    expect(held(b)).toMatchObject({ signedIn: true, refreshToken: login.refreshToken });
    expect(synced(b)).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    await b.persistor.flush();

    // A signs out; B never hears of it.
    hub.knobs.drop = (delivery) => delivery.to === 'B';
    a.store.dispatch(signOut());
    await vi.advanceTimersByTimeAsync(1);
    await a.persistor.flush();
    expect(memory.data.has(authName)).toBe(false);
    expect(signedIn(b)).toBe(true);

    // B's refresh comes due: storage says the session ended.
    await vi.advanceTimersByTimeAsync(CYCLE);
    expect(b.client.calls).toHaveLength(0);
    expect(server.counters.refreshCalls).toBe(0);
    expect(signedIn(b)).toBe(false);
    await b.persistor.flush();
    expect(memory.data.has(authName)).toBe(false);
    const later = await open('C');
    expect(signedIn(later)).toBe(false);
  });

  test('a late refresh announcement for a session that already ended does not sign in a tab opened after the sign-out', async () => {
    const { authName, server, hub, memory, open, signInOn } = openBrowser();
    const channel = holdableChannel(hub.as('A'));
    const a = await open('A', { channel: channel.factory });
    signInOn(a);
    await vi.advanceTimersByTimeAsync(1);

    // A refreshes; its announcement is slow to go out.
    channel.hold();
    await vi.advanceTimersByTimeAsync(CYCLE);
    expect(server.counters.refreshCalls).toBe(1);
    expect(channel.queue[0]?.data).toMatchObject({ session: { generation: 1 } });
    a.store.dispatch(signOut());
    await vi.advanceTimersByTimeAsync(1);
    await a.persistor.flush();
    expect(memory.data.has(authName)).toBe(false);

    // A tab opened after the sign-out, then the refresh announcement reaches it.
    const c = await open('C');
    expect(signedIn(c)).toBe(false);
    channel.releaseFirst();
    await vi.advanceTimersByTimeAsync(1);
    expect(signedIn(c)).toBe(false);
    await c.persistor.flush();
    expect(memory.data.has(authName)).toBe(false);
    await vi.advanceTimersByTimeAsync(2 * CYCLE);
    expect(server.counters.refreshCalls).toBe(1);
  });

  test('disposing right after sign-out still tells the other tabs and throws nothing', async () => {
    const { authName, memory, open, signInOn } = openBrowser();
    const a = await open('A');
    const b = await open('B');
    signInOn(a);
    await vi.advanceTimersByTimeAsync(1);
    expect(signedIn(b)).toBe(true);
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown): void => void rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    onTestFinished(() => void process.off('unhandledRejection', onRejection));

    // The tab closes as the user signs out.
    a.store.dispatch(signOut());
    a.auth.dispose();
    await vi.advanceTimersByTimeAsync(10);
    await realMacrotask();

    expect(signedIn(b)).toBe(false);
    expect(rejections).toEqual([]);
    await b.persistor.flush();
    expect(memory.data.has(authName)).toBe(false);
  });

  test('signing out while already signed out announces nothing', async () => {
    const { authName, hub, memory, open, signInOn } = openBrowser();
    const a = await open('A');
    const b = await open('B');
    // A does not hear of B's sign-in (say it was asleep): it is still signed out.
    hub.knobs.drop = (delivery) => delivery.to === 'A';
    signInOn(b);
    await vi.advanceTimersByTimeAsync(1);
    await b.persistor.flush();
    await a.persistor.flush();
    expect(signedIn(a)).toBe(false);
    const stored = memory.data.get(authName);
    expect(stored).toBeDefined();
    const counts = { ...memory.counts };
    const posted = hub.stats.posted;

    a.store.dispatch(signOut());
    await vi.advanceTimersByTimeAsync(10);
    await a.persistor.flush();

    expect(hub.stats.posted).toBe(posted);
    expect(signedIn(b)).toBe(true);
    expect(memory.data.get(authName)).toBe(stored);
    expect(memory.counts).toEqual(counts);
  });
  // A store torn down (auth.dispose(), persistor.pause(), as the README says) writes nothing more:
  // a write it still had pending must not put back a session another tab has since signed out.
  test('a store torn down right after adopting a refresh does not write that session back after another tab signs out', async () => {
    const { tabs, memory, authName, signInOn } = await openTabs({ count: 2, latencyMs: 0 });
    const [a, b] = tabs as [(typeof tabs)[number], (typeof tabs)[number]];
    await vi.advanceTimersByTimeAsync(1);
    signInOn(a);
    await vi.advanceTimersByTimeAsync(10);
    await expect(a.store.dispatch(refreshNow())).resolves.toEqual({ ok: true });
    // B adopts the refreshed session; its own write of it is due on redux-persist's next tick.
    await vi.advanceTimersByTimeAsync(0);
    expect(b.store.getState().auth.session?.generation).toBe(1);
    b.auth.dispose();
    b.persistor.pause();

    a.store.dispatch(signOut());
    await vi.advanceTimersByTimeAsync(10);
    expect(selectIsAuthenticated(a.store.getState())).toBe(false);
    expect(memory.data.has(authName), 'storage holds no session after the sign-out').toBe(false);
    // What a tab opened now (or a reload) finds.
    const later = await makeStore({ authName, storage: memory.storage });
    expect(selectIsAuthenticated(later.store.getState()), 'no session comes back to life').toBe(false);
  });
});
