import type { UnknownAction } from '@reduxjs/toolkit';
import { afterEach, describe, expect, onTestFinished, test, vi } from 'vitest';
import {
  createRefresh,
  selectIsAuthenticated,
  selectRefreshStatus,
  selectRefreshToken,
  sessionSynced,
  signIn,
  signOut,
  type AuthStorage,
  type ChannelLike,
  type CrossTabOptions,
  type GenerationMarker,
  type RefreshApiCallback,
} from 'redux-auth-kit';
import { recordActions } from './support/actions';
import { withFakeClock } from './support/clock';
import { makeStore, uniqueAuthName } from './support/harness';
import { createChannelHub } from './support/channel';
import { createLockManager } from './support/locks';
import { createMemoryStorage } from './support/memoryStorage';
import { signInWith } from './support/tabs';
import { createRotatingServer, type RotatingClient, type RotatingServer } from './support/rotatingServer';

// Findings of a review of the cross-tab layer. Access tokens live 60 s (a refresh is due 30 s after
// each one arrives), every refresh call takes 100 ms, the refresh timeout is the default 10 s.
const LATENCY = 100;
const CYCLE = 30_000 + LATENCY;

// Captured before fake timers replace it: lets Node report unhandled rejections between steps.
const realSetImmediate = globalThis.setImmediate;
const realMacrotask = (): Promise<void> => new Promise((resolve) => realSetImmediate(resolve));

afterEach(() => {
  vi.unstubAllGlobals();
});
withFakeClock();

interface TabOptions {
  /** Default: the shared hub, labelled with the tab's name; `null`: no channel. */
  channel?: ((name: string) => ChannelLike) | null;
  storage?: AuthStorage;
  marker?: GenerationMarker;
  /** `false`: no cross-tab coordination at all. */
  crossTab?: false;
  /** The refresh call, given the tab's client of the shared server (100 ms round trip). Default: that client. */
  callback?: (client: RotatingClient) => RefreshApiCallback;
  margin?: number;
}

/**
 * One browser whose tabs open one at a time (so a later tab restores from
 * storage): the same authName, shared memory storage, lock manager, channel
 * hub and rotating server.
 */
function openBrowser(server: RotatingServer = createRotatingServer()) {
  const authName = uniqueAuthName();
  const locks = createLockManager();
  const hub = createChannelHub();
  const memory = createMemoryStorage();

  async function open(label: string, options: TabOptions = {}) {
    const client = server.client(label, { latencyMs: LATENCY });
    const logger = { error: vi.fn(), warn: vi.fn() };
    const { actions, middleware: recorder } = recordActions();
    const crossTab: CrossTabOptions | false =
      options.crossTab === false
        ? false
        : {
            locks: locks.manager,
            channel: options.channel === undefined ? hub.as(label) : options.channel,
            ...(options.marker !== undefined && { marker: options.marker }),
          };
    const made = await makeStore({
      authName,
      storage: options.storage ?? memory.storage,
      logger: { error: vi.fn() },
      refresh: createRefresh({
        refreshApiCallback: options.callback?.(client) ?? client.callback,
        ...(options.margin !== undefined && { margin: options.margin }),
      }),
      middleware: [recorder],
      listener: { crossTab, logger, random: () => 0 },
    });
    return { label, ...made, client, logger, actions };
  }
  type Tab = Awaited<ReturnType<typeof open>>;

  const signInOn = (tab: Tab) => signInWith(server, tab.store);

  return { authName, server, locks, hub, memory, open, signInOn };
}

type Tab = Awaited<ReturnType<ReturnType<typeof openBrowser>['open']>>;

const signedIn = (tab: Tab): boolean => selectIsAuthenticated(tab.store.getState());
const held = (tab: Tab) => ({
  signedIn: signedIn(tab),
  refreshToken: selectRefreshToken(tab.store.getState()),
  generation: tab.store.getState().auth.session?.generation ?? null,
});
const synced = (tab: Tab): UnknownAction[] => tab.actions.filter(sessionSynced.match);

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
});

describe('the generation marker', () => {
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

describe('a refresh that outlives its timeout', () => {
  test('a refresh that times out after reaching the server does not make another tab send the same refresh token', async () => {
    const server = createRotatingServer();
    const { open, signInOn } = openBrowser(server);
    // The first refresh call in the browser reaches the server at once (the tokens rotate), but its
    // answer arrives 12 s later, after the timeout, whatever the signal says.
    let slowed = false;
    const slowFirst =
      (label: string) =>
      (client: RotatingClient): RefreshApiCallback =>
      async (param) => {
        if (slowed) return client.callback(param);
        slowed = true;
        const answer = server.refresh(param.refreshToken, label);
        await new Promise((resolve) => setTimeout(resolve, 12_000));
        return answer.ok
          ? { isSuccess: true, newAuthToken: answer.accessToken, newRefreshToken: answer.refreshToken }
          : { isSuccess: false };
      };
    const tabs = [
      await open('A', { callback: slowFirst('A') }),
      await open('B', { callback: slowFirst('B') }),
    ];
    const [a, b] = [tabs[0]!, tabs[1]!];
    const login = signInOn(a);
    await vi.advanceTimersByTimeAsync(1);
    expect(signedIn(b)).toBe(true);

    await vi.advanceTimersByTimeAsync(CYCLE + 12_000 + 1_000);
    expect(server.counters.refreshCalls).toBeGreaterThanOrEqual(1);
    expect(server.counters.reuseDetections).toBe(0);
    expect(server.sentTwice()).toEqual([]);
    const current = server.current(login.family);
    expect(current).not.toBeNull();
    expect(held(a)).toMatchObject({ signedIn: true, refreshToken: current });
    expect(held(b)).toEqual(held(a));
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

describe('a store with cross-tab sync off', () => {
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
    const signInWith = (tab: Tab) => {
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
