// Tabs with a part of the browser missing, slow or switched off: no Web Locks, no BroadcastChannel,
// storage that lags between tabs or refuses every write, cross-tab sync turned off. Access tokens
// live 60 s (a refresh is due 30 s after each one arrives); every call takes 100 ms.
import { afterEach, describe, expect, test, vi } from 'vitest';
import {
  selectIsAuthenticated,
  selectRefreshStatus,
  selectRefreshToken,
  signIn,
  type AuthStorage,
  type GenerationMarker,
} from 'redux-auth-kit';
import { createChannelHub } from './support/channel';
import { withFakeClock } from './support/clock';
import { makeStore, uniqueAuthName } from './support/harness';
import { createLockManager } from './support/locks';
import {
  expectEveryTokenSentOnce,
  openBrowser,
  openTabs,
  signedIn,
  synced,
  type BrowserTab,
} from './support/tabs';

const LATENCY = 100;
const CYCLE = 30_000 + LATENCY;

withFakeClock();

describe('without Web Locks', () => {
  test('with navigator.locks absent the tabs still refresh and stay in sync over the channel, and nothing throws', async () => {
    // No `locks` option and no navigator.locks in this runtime: the coordinator has only the channel.
    // The normal case: tab timers do not coincide (a background tab's timers run late; modelled by
    // giving tabs B and C a smaller margin), so one tab refreshes and the others follow its announcement.
    const { tabs, server, locks, signInOn, expectInSync } = await openTabs({
      count: 3,
      latencyMs: LATENCY,
      tab: (index) => ({ locks: undefined, ...(index > 0 && { margin: 20 }) }),
    });
    expect(typeof (globalThis as { navigator?: { locks?: unknown } }).navigator?.locks).toBe('undefined');
    const login = signInOn(tabs[0]!);
    await vi.advanceTimersByTimeAsync(1);

    for (let cycle = 1; cycle <= 5; cycle += 1) {
      await vi.advanceTimersByTimeAsync(CYCLE);
      expect(server.counters.refreshCalls).toBe(cycle);
      const now = expectInSync();
      expect(now.signedIn).toBe(true);
      expect(now.refreshToken).toBe(server.current(login.family));
    }
    expect(locks.stats.requests).toBe(0);
    expect(server.counters.reuseDetections).toBe(0);
    expectEveryTokenSentOnce(server);
  });

  test('with locks off, tabs whose refreshes overlap send the same refresh token: the server detects reuse and every tab ends signed out together (the documented degradation)', async () => {
    // Same timers, 100 ms network: B's timer fires while A's call is in flight, and storage still
    // holds the token A is spending. Nothing serializes them, so both send it.
    const { tabs, server, signInOn, expectInSync } = await openTabs({
      count: 2,
      latencyMs: LATENCY,
      tab: () => ({ locks: null }),
    });
    const login = signInOn(tabs[0]!);
    await vi.advanceTimersByTimeAsync(1);

    await vi.advanceTimersByTimeAsync(CYCLE);
    expect(server.log.map((call) => [call.tab, call.refreshToken, call.answer])).toEqual([
      ['A', login.refreshToken, expect.objectContaining({ ok: true })],
      ['B', login.refreshToken, { ok: false, reason: 'reuse' }],
    ]);
    expect(server.counters.reuseDetections).toBe(1);
    // B's rejected call finds A's rotation in storage and adopts it, so for now both stay signed in…
    expect(expectInSync().signedIn).toBe(true);

    // …until the next refresh, which the server refuses (the family is revoked): every tab signs out.
    await vi.advanceTimersByTimeAsync(CYCLE);
    for (const tab of tabs) expect(selectIsAuthenticated(tab.store.getState())).toBe(false);
    expectInSync();
  });
});

/**
 * One storage seen by several tabs, where a tab sees another tab's write only
 * `lagMs` after it was made (Chromium's localStorage between processes).
 */
function laggingStorage(lagMs: number) {
  const writes: Array<{ key: string; value: string | null; at: number; by: string }> = [];
  const read = (key: string, tab: string): string | null => {
    let value: string | null = null;
    for (const write of writes) {
      if (write.key === key && (write.by === tab || write.at + lagMs <= Date.now())) value = write.value;
    }
    return value;
  };
  return (tab: string): AuthStorage => ({
    getItem: async (key) => read(key, tab),
    setItem: async (key, value) => {
      writes.push({ key, value, at: Date.now(), by: tab });
    },
    removeItem: async (key) => {
      writes.push({ key, value: null, at: Date.now(), by: tab });
    },
  });
}

/** A marker every tab reads consistently at once, as `document.cookie` is. */
function sharedMarker(): GenerationMarker {
  let value: string | null = null;
  return {
    read: () => value,
    write: (next) => {
      value = next;
    },
  };
}

describe('a storage that lags between tabs', () => {
  test('with the generation marker, the next lock holder waits for the rotated token instead of sending the spent one', async () => {
    const view = laggingStorage(30);
    const marker = sharedMarker();
    const { tabs, server, signInOn, expectInSync } = await openTabs({
      count: 3,
      latencyMs: LATENCY,
      tab: (_index, label) => ({ storage: view(label), marker }),
    });
    const login = signInOn(tabs[0]!);
    await vi.advanceTimersByTimeAsync(1);

    for (let cycle = 1; cycle <= 5; cycle += 1) {
      await vi.advanceTimersByTimeAsync(CYCLE + 100);
      expect(server.counters.refreshCalls).toBe(cycle);
      expect(expectInSync().refreshToken).toBe(server.current(login.family));
    }
    expect(server.counters.reuseDetections).toBe(0);
    expectEveryTokenSentOnce(server);
  });

  test('without the marker, the next lock holder reads the value from before the rotation and sends the spent token (why the marker exists)', async () => {
    const view = laggingStorage(30);
    const { tabs, server, signInOn } = await openTabs({
      count: 2,
      latencyMs: LATENCY,
      tab: (_index, label) => ({ storage: view(label) }),
    });
    const login = signInOn(tabs[0]!);
    await vi.advanceTimersByTimeAsync(1);
    await vi.advanceTimersByTimeAsync(CYCLE + 100);
    expect(server.tokensSeen.get(login.refreshToken)).toBe(2);
    expect(server.counters.reuseDetections).toBe(1);
  });
});

describe('the early lead of tabs without Web Locks', () => {
  test('tabs without locks come due at different moments, so over five cycles one tab refreshes each time and no token is reused', async () => {
    const randoms = [0.9, 0.1, 0.5];
    const { tabs, server, signInOn, expectInSync } = await openTabs({
      count: 3,
      tab: (index) => ({ locks: null, random: () => randoms[index]! }),
    });
    signInOn(tabs[0]!);
    await vi.advanceTimersByTimeAsync(1);
    await vi.advanceTimersByTimeAsync(5 * 30_000 + 1_000);
    expect(server.counters.refreshCalls).toBe(5);
    expect(server.counters.reuseDetections).toBe(0);
    expectInSync();
  });
});

describe('without a BroadcastChannel', () => {
  test("a tab's first write of the signed-out state it read at startup does not erase a session another tab stored meanwhile", async () => {
    // Tab B has no BroadcastChannel (a host without one): it hears of nothing, it only shares storage.
    const { tabs, memory, authName, server, signInOn } = await openTabs({
      count: 2,
      latencyMs: LATENCY,
      tab: (index) => (index === 1 ? { channel: false } : {}),
    });
    const [a] = tabs as [(typeof tabs)[number], (typeof tabs)[number]];
    // Both tabs read an empty storage at startup; before B's first write goes out, A signs in.
    const login = signInOn(a);
    await vi.advanceTimersByTimeAsync(10);
    expect(memory.data.get(authName) ?? 'nothing', 'storage holds the session A signed in').toContain(
      login.refreshToken,
    );

    await vi.advanceTimersByTimeAsync(CYCLE);
    expect(server.counters.refreshCalls, 'A refreshed its session').toBe(1);
    expect(selectIsAuthenticated(a.store.getState()), 'A is still signed in').toBe(true);
  });
});

describe('a storage that refuses every write', () => {
  test('with localStorage disabled the marker never stalls refreshes', async () => {
    let value: string | null = null;
    const marker: GenerationMarker = {
      read: () => value,
      write: (next) => {
        value = next;
      },
    };
    // Storage as in a browser that refuses it (Safari private mode, quota): nothing is ever written.
    const disabled: AuthStorage = {
      getItem: async () => null,
      setItem: async () => {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      },
      removeItem: async () => {},
    };
    // redux-persist reports every refused write on the console as well.
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { open, signInOn } = openBrowser();
    const a = await open('A', { storage: disabled, marker });
    signInOn(a);
    let dueAt = Date.now() + 30_000;
    await vi.advanceTimersByTimeAsync(1);

    for (let cycle = 1; cycle <= 3; cycle += 1) {
      await vi.advanceTimersByTimeAsync(dueAt + LATENCY - Date.now());
      expect(a.client.calls).toHaveLength(cycle);
      expect(a.client.calls[cycle - 1]?.at).toBe(dueAt);
      expect(signedIn(a)).toBe(true);
      expect(selectRefreshStatus(a.store.getState())).toBe('idle');
      dueAt += CYCLE;
    }
    expect(consoleError).toHaveBeenCalledWith('Error storing data', expect.any(DOMException));
  });
});

describe('a store with cross-tab sync off', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });
  test('crossTab: false keeps a store to itself', async () => {
    // The runtime offers a lock manager and a BroadcastChannel, as a browser does.
    const hub = createChannelHub();
    const locks = createLockManager();
    vi.stubGlobal('window', {});
    vi.stubGlobal('navigator', { locks: locks.manager });
    vi.stubGlobal(
      'BroadcastChannel',
      class {
        constructor(name: string) {
          return hub(name);
        }
      },
    );
    const { server, memory, open } = openBrowser();
    const a = await open('A', { crossTab: false });
    const b = await open('B', { crossTab: false });
    const signInWith = (tab: BrowserTab) => {
      const login = server.login();
      tab.store.dispatch(signIn({ auth: { token: login.accessToken }, refresh: login.refreshToken }));
      return { login, at: Date.now() };
    };

    const first = signInWith(a);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(signedIn(b)).toBe(false);
    const second = signInWith(b);
    await vi.advanceTimersByTimeAsync(1);
    expect(selectRefreshToken(a.store.getState())).toBe(first.login.refreshToken);

    await vi.advanceTimersByTimeAsync(first.at + CYCLE - Date.now());
    expect(a.client.calls.map((call) => [call.at, call.refreshToken])).toEqual([
      [first.at + 30_000, first.login.refreshToken],
    ]);
    expect(b.client.calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(second.at + CYCLE - Date.now());
    expect(b.client.calls.map((call) => [call.at, call.refreshToken])).toEqual([
      [second.at + 30_000, second.login.refreshToken],
    ]);
    expect(a.client.calls).toHaveLength(1);
    expect(selectRefreshToken(a.store.getState())).toBe(server.current(first.login.family));
    expect(selectRefreshToken(b.store.getState())).toBe(server.current(second.login.family));
    expect(synced(a)).toHaveLength(0);
    expect(synced(b)).toHaveLength(0);
    expect(locks.stats.requests).toBe(0);
    expect(hub.openCount()).toBe(0);
    expect(hub.stats.posted).toBe(0);

    // The same runtime with cross-tab sync left on does open a channel (the stubs are live).
    await makeStore({ authName: uniqueAuthName(), storage: memory.storage });
    expect(hub.openCount()).toBe(1);
  });
});
