import type { UnknownAction } from '@reduxjs/toolkit';
import { expect, vi } from 'vitest';
import {
  createRefresh,
  selectAuthToken,
  selectIsAuthenticated,
  selectRefreshToken,
  sessionSynced,
  signIn,
  type AuthRootState,
  type AuthStorage,
  type ChannelLike,
  type CrossTabOptions,
  type GenerationMarker,
  type LockManagerLike,
  type RefreshApiCallback,
} from 'redux-auth-kit';
import { recordActions } from './actions';
import { makeStore, uniqueAuthName } from './harness';
import { createChannelHub } from './channel';
import { createLockManager } from './locks';
import { createMemoryStorage } from './memoryStorage';
import { createRotatingServer, type RotatingClient, type RotatingServer } from './rotatingServer';

/** Signs `store` in with a fresh login from `server`; returns the login. */
export function signInWith(server: RotatingServer, store: { dispatch: (action: UnknownAction) => unknown }) {
  const login = server.login();
  store.dispatch(
    signIn({
      auth: { token: login.accessToken },
      refresh: login.refreshToken,
      refreshExpiresIn: login.refreshExpiresIn,
      userState: { family: login.family },
    }),
  );
  return login;
}

/** Per-tab choices; anything left out uses the shared default. */
export interface TabOverrides {
  /** Default: the shared lock manager. `null`: no Web Locks; `undefined` leaves `locks` unset. */
  locks?: LockManagerLike | null | undefined;
  /** Default `true`: the shared channel hub. */
  channel?: boolean;
  marker?: GenerationMarker | null;
  /** Default: the shared memory storage (when `persist` is `'memory'`). */
  storage?: AuthStorage;
  /** Refresh margin in seconds (default: the library's, capped at half the token's lifetime). */
  margin?: number;
  /** The tab's source of randomness (default `() => 0`: no lead without locks, shortest jitter). */
  random?: () => number;
}

export interface TabsSetup {
  count: number;
  server?: RotatingServer;
  /** Network round trip of every refresh call, ms. Default 100. */
  latencyMs?: number;
  /** Refresh timeout in seconds. Default: the library's (10). */
  timeout?: number;
  /**
   * Each tab's refresh call, instead of its client of the rotating server (whose `calls`
   * then stay empty): a real server's, say.
   */
  refreshApiCallback?: (label: string) => RefreshApiCallback;
  /** Where sessions persist: a shared in-memory engine (default), or `authType` in a DOM. */
  persist?: 'memory' | 'cookie' | 'localstorage';
  tab?: (index: number, label: string, authName: string) => TabOverrides;
}

/**
 * Opens `count` stores as the tabs of one browser: same `authName`, shared
 * storage, one lock manager, one channel hub, one rotating auth server. Each
 * tab has its own refresh client (calls are attributed to it), a spy logger
 * and a record of every action its store reduced.
 */
export async function openTabs(setup: TabsSetup) {
  const authName = uniqueAuthName();
  const server = setup.server ?? createRotatingServer();
  const locks = createLockManager();
  const hub = createChannelHub();
  const memory = createMemoryStorage();
  const persist = setup.persist ?? 'memory';
  async function openTab(index: number) {
    const label = String.fromCharCode(65 + index);
    const overrides = setup.tab?.(index, label, authName) ?? {};
    const client = server.client(label, { latencyMs: setup.latencyMs ?? 100 });
    const logger = { error: vi.fn(), warn: vi.fn() };
    const { actions, middleware: recorder } = recordActions();
    const crossTab: CrossTabOptions = {};
    if (!('locks' in overrides)) crossTab.locks = locks.manager;
    else if (overrides.locks !== undefined) crossTab.locks = overrides.locks;
    crossTab.channel = overrides.channel === false ? null : hub.as(label);
    if (overrides.marker !== undefined) crossTab.marker = overrides.marker;
    const made = await makeStore({
      authName,
      ...(persist === 'memory' ? { storage: overrides.storage ?? memory.storage } : { authType: persist }),
      refresh: createRefresh({
        refreshApiCallback: setup.refreshApiCallback?.(label) ?? client.callback,
        ...(setup.timeout !== undefined && { timeout: setup.timeout }),
        ...(overrides.margin !== undefined && { margin: overrides.margin }),
      }),
      middleware: [recorder],
      listener: { crossTab, logger, random: overrides.random ?? (() => 0) },
    });
    return { label, ...made, client, logger, actions };
  }
  type Tab = Awaited<ReturnType<typeof openTab>>;
  const tabs: Tab[] = [];
  for (let index = 0; index < setup.count; index += 1) tabs.push(await openTab(index));

  /** Signs `tab` in with a fresh login from the server; returns the login. */
  const signInOn = (tab: Tab) => signInWith(server, tab.store);

  /** What a tab holds: enough to compare tabs. */
  const snapshot = (tab: Tab) => ({
    signedIn: selectIsAuthenticated(tab.store.getState()),
    token: selectAuthToken(tab.store.getState()),
    refreshToken: selectRefreshToken(tab.store.getState()),
    generation: tab.store.getState().auth.session?.generation ?? null,
  });

  /** Every tab holds the same session, and no tab logged an error. */
  function expectInSync(): ReturnType<typeof snapshot> {
    const first = snapshot(tabs[0]!);
    for (const tab of tabs)
      expect({ tab: tab.label, ...snapshot(tab) }).toEqual({ tab: tab.label, ...first });
    for (const tab of tabs) expect(tab.logger.error).not.toHaveBeenCalled();
    return first;
  }

  /** Writes every tab's pending state to storage now. */
  async function flushAll(): Promise<void> {
    for (const tab of tabs) await tab.persistor.flush();
  }

  /** Action types `tab` reduced, optionally only those matching `type`. */
  const typesOf = (tab: Tab, type?: string): string[] =>
    tab.actions.map((a) => a.type).filter((t) => type === undefined || t === type);

  return { authName, server, locks, hub, memory, tabs, signInOn, snapshot, expectInSync, flushAll, typesOf };
}

export type Tabs = Awaited<ReturnType<typeof openTabs>>;
export type Tab = Tabs['tabs'][number];

/** Every refresh token but the family's live one was sent exactly once, in the order issued. */
export function expectEveryTokenSentOnce(server: RotatingServer): void {
  expect(server.sentTwice()).toEqual([]);
  expect([...server.tokensSeen.keys()]).toEqual(server.issued.slice(0, -1));
}

/** How one tab of {@link openBrowser} is opened; anything left out uses the shared default. */
export interface BrowserTabOptions {
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
 * hub and rotating server. Every refresh call takes 100 ms.
 */
export function openBrowser(server: RotatingServer = createRotatingServer()) {
  const authName = uniqueAuthName();
  const locks = createLockManager();
  const hub = createChannelHub();
  const memory = createMemoryStorage();

  async function open(label: string, options: BrowserTabOptions = {}) {
    const client = server.client(label, { latencyMs: 100 });
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

export type BrowserTab = Awaited<ReturnType<ReturnType<typeof openBrowser>['open']>>;

/** A tab of {@link openTabs} or {@link openBrowser}: its store and the actions it reduced. */
interface AnyTab {
  store: { getState: () => AuthRootState };
  actions: UnknownAction[];
}

/** Whether `tab` is signed in. */
export const signedIn = (tab: Pick<AnyTab, 'store'>): boolean => selectIsAuthenticated(tab.store.getState());

/** What `tab` holds of its session: enough to compare tabs without their access tokens. */
export const held = (tab: Pick<AnyTab, 'store'>) => ({
  signedIn: signedIn(tab),
  refreshToken: selectRefreshToken(tab.store.getState()),
  generation: tab.store.getState().auth.session?.generation ?? null,
});

/** The sessions `tab` adopted from other tabs. */
export const synced = (tab: AnyTab): UnknownAction[] => tab.actions.filter(sessionSynced.match);
