import {
  combineReducers,
  configureStore,
  createSlice,
  type Middleware,
  type Reducer,
  type UnknownAction,
} from '@reduxjs/toolkit';
import { ActionCreators, instrument, type LiftedState, type Options } from '@redux-devtools/instrument';
import { persistReducer, persistStore, type Persistor } from 'redux-persist';
import { afterEach, expect, vi } from 'vitest';
import {
  authDevToolsOptions,
  authPersistConfig,
  authReducer,
  createAuthListener,
  createAuthStorage,
  createLocalStorage,
  createRefresh,
  nextRefreshAt,
  PERSIST_ACTIONS,
  refreshNow,
  signIn,
  signOut,
  type AuthState,
  type AuthStorage,
  type RefreshApiCallbackParam,
  type RefreshOptions,
  type RefreshOutcome,
} from 'redux-auth-kit';
import { createChannelHub } from './channel';
import { uniqueAuthName } from './harness';
import { createLockManager } from './locks';
import { createMemoryStorage } from './memoryStorage';
import { createRotatingServer, type RotatingServer, type RotatingServerOptions } from './rotatingServer';

/**
 * Stores wired the way the Redux DevTools docs show: the real
 * `@redux-devtools/instrument` enhancer after the middleware
 * (`enhancers: (g) => g().concat(instrument())`), so the middleware — and the
 * auth listener in it — sees the *monitored* state through `getState()`,
 * while every action it dispatches is appended to the live history.
 *
 * Two reducer set-ups, both with cross-tab coordination on (a shared lock
 * manager, channel hub and storage):
 * - `'plain'`: `authReducer` + `createAuthListener({ storage, crossTab })`;
 *   storage is kept by the cross-tab layer alone;
 * - `'persisted'`: the README's "bring your own configureStore" form,
 *   `persistReducer(authPersistConfig(...), authReducer)` over
 *   `createAuthStorage(...)`, with `persistStore`.
 */
export type ReducerKind = 'plain' | 'persisted';
export const REDUCER_KINDS: readonly ReducerKind[] = ['plain', 'persisted'];

/** An app slice beside `auth`, so a token generation can span several states. */
export const notes = createSlice({
  name: 'notes',
  initialState: { count: 0 },
  reducers: {
    noted(state) {
      state.count += 1;
    },
  },
});

export interface DevToolsRoot {
  auth: AuthState;
  notes: { count: number };
}

export type History = LiftedState<DevToolsRoot, UnknownAction, null>;

/** One action as it reached the instrumented store (appended to the live history). */
export interface Appended {
  type: string;
  at: number;
  /** Dispatched by the test (through the tab's helpers), not by the library. */
  byTest: boolean;
  /** The monitor showed a past state when it arrived. */
  whilePast: boolean;
  /**
   * The past state shown then holds another auth state than the live one. A past state with the
   * live auth state in it differs only in other slices: the library tells it apart by the root
   * state, which history edits (toggle, sweep, import) can defeat — harmlessly, since the live
   * token is all it could send.
   */
  pastAuthDiffers: boolean;
}

/** How long the default server's access tokens live, ms: a refresh is due 30 s after each one arrives. */
export const LIFETIME = 60_000;
/** The vitest timeout of one DevTools scenario test, ms (each runs many token lifetimes of fake time). */
export const TIMEOUT = 20_000;

export interface DevToolsSetup {
  kind: ReducerKind;
  /** Shared `'memory'` engine (default), or jsdom's `'localstorage'` (with its marker cookie). */
  storage?: 'memory' | 'localstorage';
  /** Default `{ accessTtl: 60 }`: a refresh is due 30 s after each token arrives. */
  server?: RotatingServerOptions;
  /** Round trip of every refresh call, ms. Default 100. */
  latencyMs?: number;
  /**
   * The circuit breaker. Over `maxCalls` refresh calls (default 40) or `maxActionsPerInstant`
   * actions at one instant (default 200), a tab's listener is disposed and the next `advance`
   * fails the test, naming the flood; so does `advance` when a tab dispatches over
   * `maxActionsPerAdvance` actions (default 400) within one call.
   */
  maxCalls?: number;
  maxActionsPerInstant?: number;
  maxActionsPerAdvance?: number;
  /** `instrument()` options (`maxAge`, `shouldCatchErrors`, …). Default none, as in the docs. */
  instrument?: Options<DevToolsRoot, UnknownAction, null, never>;
}

// Every browser is disposed after its test: listeners, timers and channels of one test never
// reach the next.
const openBrowsers: Array<{ dispose: () => void }> = [];
afterEach(() => {
  while (openBrowsers.length > 0) openBrowsers.pop()!.dispose();
});

/** Whether two auth states hold the same session generation and refresh bookkeeping. */
function sameAuth(a: AuthState | undefined, b: AuthState | undefined): boolean {
  const key = (s: AuthState | undefined) =>
    JSON.stringify([s?.session?.id, s?.session?.generation, s?.tokenExpired, s?.restoring, s?.refresh]);
  return key(a) === key(b);
}

/** A logger that records what the library reports, and prints nothing. */
const silentConsole = () => ({
  error: vi.fn<(...args: unknown[]) => void>(),
  warn: vi.fn<(...args: unknown[]) => void>(),
});

/** One call of a tab's `refreshApiCallback`. */
export interface RefreshCall {
  at: number;
  refreshToken: string | undefined;
  /** The monitor showed a past state when the call started. */
  whilePast: boolean;
}

/** What every tab of one browser shares. */
interface BrowserContext {
  setup: DevToolsSetup;
  authName: string;
  server: RotatingServer;
  locks: ReturnType<typeof createLockManager>;
  hub: ReturnType<typeof createChannelHub>;
  engine: () => AuthStorage;
  maxCalls: number;
  maxActionsPerInstant: number;
  disposers: Array<() => void>;
}

/** One tab: an instrumented store on the browser's storage, locks and channel, with its helpers. */
async function createTab(browser: BrowserContext, label: string) {
  const { setup, authName, server, locks, hub, maxCalls, maxActionsPerInstant } = browser;
  const logger = silentConsole();
  const client = server.client(label, { latencyMs: setup.latencyMs ?? 100 });
  let attempts = 0;
  const calls: RefreshCall[] = [];
  /** Why the circuit breaker stopped this tab's library, once it has. */
  let flood: string | null = null;
  // A flood fails the test fast: the tab's listener is disposed (no more timers, no more
  // dispatches) and `advance` throws with this message. Disposing, not throwing, is what stops a
  // loop that runs on microtasks alone, which no fake-timer step or test timeout can interrupt.
  const trip = (why: string): void => {
    if (flood !== null) return;
    flood = `tab ${label} ${why} (at ${new Date(Date.now()).toISOString()})`;
    auth.dispose();
  };
  const refresh = createRefresh({
    refreshApiCallback: (param: RefreshApiCallbackParam) => {
      attempts += 1;
      calls.push({ at: Date.now(), refreshToken: param.refreshToken, whilePast: isShowingPast() });
      if (attempts > maxCalls) {
        trip(`flooded the server: over ${maxCalls} refresh calls`);
        // Settles only on abort, so even an undisposed caller cannot loop on it without time passing.
        return new Promise<never>((_, reject) =>
          param.signal.addEventListener('abort', () => reject(param.signal.reason)),
        );
      }
      return client.callback(param);
    },
  });
  const storage = createAuthStorage({ authName, storage: browser.engine() });
  const auth = createAuthListener({
    refresh,
    authName,
    storage,
    wake: false,
    random: () => 0,
    logger,
    crossTab: { locks: locks.manager, channel: hub.as(label) },
  });

  const fromTest = new WeakSet<object>();
  const log: Appended[] = [];
  // Last in the chain: it sees exactly what reaches the instrumented store, nested dispatches included.
  let instant = { at: Number.NaN, count: 0 };
  const recorder: Middleware = () => (next) => (action) => {
    instant =
      instant.at === Date.now() ? { at: instant.at, count: instant.count + 1 } : { at: Date.now(), count: 1 };
    if (flood === null && instant.count > maxActionsPerInstant) {
      trip(
        `dispatched over ${maxActionsPerInstant} actions at one instant, the last ${(action as UnknownAction).type}`,
      );
      throw new Error(flood!);
    }
    log.push({
      type: (action as UnknownAction).type,
      at: Date.now(),
      byTest: fromTest.has(action as object),
      whilePast: isShowingPast(),
      pastAuthDiffers:
        isShowingPast() && !sameAuth(history().computedStates.at(-1)!.state.auth, shownState().auth),
    });
    return next(action);
  };
  const authSlot: Reducer<AuthState> =
    setup.kind === 'persisted'
      ? (persistReducer(
          authPersistConfig({ authName, storage }),
          authReducer,
        ) as unknown as Reducer<AuthState>)
      : authReducer;
  const store = configureStore({
    reducer: combineReducers({ auth: authSlot, notes: notes.reducer }),
    middleware: (gDM) =>
      gDM({ serializableCheck: { ignoredActions: PERSIST_ACTIONS }, immutableCheck: false })
        .prepend(auth.middleware)
        .concat(recorder),
    enhancers: (getDefaultEnhancers) => getDefaultEnhancers().concat(instrument(undefined, setup.instrument)),
    devTools: authDevToolsOptions,
  });
  const lifted = store.liftedStore as unknown as {
    getState: () => History;
    dispatch: (action: UnknownAction) => unknown;
  };
  const history = (): History => lifted.getState();
  const shownState = (): DevToolsRoot => {
    const { currentStateIndex, computedStates } = history();
    return computedStates[currentStateIndex]!.state;
  };
  function isShowingPast(): boolean {
    const { currentStateIndex, computedStates } = history();
    return currentStateIndex !== computedStates.length - 1;
  }
  const monitor = (action: object): void => void lifted.dispatch(action as UnknownAction);

  let persistor: Persistor | null = null;
  if (setup.kind === 'persisted') {
    persistor = persistStore(store);
    for (let i = 0; i < 50 && !persistor.getState().bootstrapped; i += 1)
      await vi.advanceTimersByTimeAsync(0);
    if (!persistor.getState().bootstrapped) throw new Error(`tab ${label} did not rehydrate`);
  }
  browser.disposers.push(() => {
    auth.dispose();
    persistor?.pause();
  });

  const act = <A extends UnknownAction>(action: A): A => {
    fromTest.add(action);
    store.dispatch(action);
    return action;
  };

  const tab = {
    label,
    store,
    persistor,
    auth,
    client,
    /** The refresh options the tab's listener runs with (for `nextRefreshAt`). */
    refresh,
    logger,
    /** Every action that reached the store, in order. */
    log,
    /** Refresh calls this tab's callback was asked for (including those the cap refused). */
    attempts: (): number => attempts,
    /** What tripped the circuit breaker, or `null`. */
    flood: (): string | null => flood,

    // App side: what the test dispatches is marked as the test's, not the library's.
    dispatch: act,
    /** Signs in with a fresh login from the server (a new token family). */
    signIn() {
      const login = server.login();
      act(
        signIn({
          auth: { token: login.accessToken },
          refresh: login.refreshToken,
          refreshExpiresIn: login.refreshExpiresIn,
          userState: { family: login.family },
        }),
      );
      return login;
    },
    signOut: () => act(signOut()),
    /** An app action: a new state within the current token generation. */
    note: () => act(notes.actions.noted()),
    refreshNow(): Promise<RefreshOutcome> {
      const action = refreshNow();
      fromTest.add(action);
      return store.dispatch(action) as unknown as Promise<RefreshOutcome>;
    },

    // What the monitor and the live history hold.
    history,
    /** What the monitor shows: `store.getState()`. */
    shown: (): DevToolsRoot => store.getState() as DevToolsRoot,
    /** The tip of the live history: the state every action so far produced (skipped ones left out). */
    live: (): DevToolsRoot => history().computedStates.at(-1)!.state,
    isShowingPast,
    /** Staged action ids (index = state index) of actions of `type`. */
    idsOf(type: string): number[] {
      const { stagedActionIds, actionsById } = history();
      return stagedActionIds.filter((id) => actionsById[id]?.action.type === type);
    },
    /** The latest staged action of `type`; fails the test when there is none. */
    lastIdOf(type: string): number {
      const id = tab.idsOf(type).at(-1);
      expect(id, `no ${type} in the history`).toBeDefined();
      return id!;
    },

    // Monitor actions, dispatched to the lifted store as every monitor does.
    jumpToState: (index: number) => monitor(ActionCreators.jumpToState(index)),
    jumpToAction: (actionId: number) => monitor(ActionCreators.jumpToAction(actionId)),
    toggleAction: (actionId: number) => monitor(ActionCreators.toggleAction(actionId)),
    setActionsActive: (start: number, end: number, active: boolean) =>
      monitor(ActionCreators.setActionsActive(start, end, active)),
    sweep: () => monitor(ActionCreators.sweep()),
    commit: () => monitor(ActionCreators.commit()),
    rollback: () => monitor(ActionCreators.rollback()),
    reset: () => monitor(ActionCreators.reset()),
    reorderAction: (actionId: number, beforeActionId: number) =>
      monitor(ActionCreators.reorderAction(actionId, beforeActionId)),
    lockChanges: (status: boolean) => monitor(ActionCreators.lockChanges(status)),
    pauseRecording: (status: boolean) => monitor(ActionCreators.pauseRecording(status)),
    /** Jumps to the tip of the live history. */
    showPresent: () => monitor(ActionCreators.jumpToState(history().computedStates.length - 1)),

    /**
     * The extension's export file (Export button): the staged actions and the committed state,
     * each serialized with the DevTools `serialize.replacer` (`redacted`, the default: the one
     * `authDevToolsOptions` gives) or with none (a monitor without the library's options).
     */
    exportHistory({ redacted = true }: { redacted?: boolean } = {}): string {
      const { stagedActionIds, actionsById, committedState } = history();
      const replacer = redacted ? authDevToolsOptions.serialize.replacer : undefined;
      const actions = stagedActionIds.slice(1).map((id) => actionsById[id]!.action);
      return JSON.stringify({
        payload: JSON.stringify(actions, replacer),
        preloadedState: committedState === undefined ? undefined : JSON.stringify(committedState, replacer),
      });
    },
    /**
     * The extension's import of such a file: `IMPORT_STATE` with the parsed actions and
     * `preloadedState`. A reducer that throws while the history is recomputed makes the
     * import fail, as in the extension (which reports the error to the monitor).
     */
    importHistory(file: string): { ok: true } | { ok: false; error: unknown } {
      const { payload, preloadedState } = JSON.parse(file) as { payload: string; preloadedState?: string };
      try {
        monitor({
          type: 'IMPORT_STATE',
          nextLiftedState: JSON.parse(payload) as UnknownAction[],
          ...(preloadedState !== undefined && { preloadedState: JSON.parse(preloadedState) as unknown }),
        });
        return { ok: true };
      } catch (error) {
        return { ok: false, error };
      }
    },
    /**
     * `ActionCreators.importState` of a whole lifted state, as a saved debug session
     * (`persistState`) or another monitor hands it over: through JSON, so functions are gone.
     */
    importLiftedState(state: History, noRecompute?: boolean): { ok: true } | { ok: false; error: unknown } {
      try {
        monitor(ActionCreators.importState(JSON.parse(JSON.stringify(state)) as History, noRecompute));
        return { ok: true };
      } catch (error) {
        return { ok: false, error };
      }
    },

    /** Actions the library (not the test, not redux-persist) dispatched, optionally since `from` ms. */
    libraryActions({ from = -Infinity, to = Infinity }: { from?: number; to?: number } = {}): Appended[] {
      return log.filter((a) => !a.byTest && a.type.startsWith('auth/') && a.at >= from && a.at <= to);
    },
    /** Every refresh call this tab started, whether or not it reached the server. */
    calls,
    /** Refresh calls this tab started at or after `from` ms. */
    callsSince: (from: number): RefreshCall[] => calls.filter((call) => call.at >= from),
  };
  return tab;
}

/**
 * One browser: tabs sharing storage, Web Locks, a `BroadcastChannel` hub and a
 * rotating auth server (reuse of a spent refresh token revokes the family).
 * Every tab is an instrumented store; `openTab` opens one. Disposed after
 * the test (or earlier with `dispose()`).
 */
export function openDevToolsBrowser(setup: DevToolsSetup) {
  const authName = uniqueAuthName();
  const server = createRotatingServer({ accessTtl: 60, ...setup.server });
  const locks = createLockManager();
  const hub = createChannelHub();
  const memory = createMemoryStorage();
  const maxCalls = setup.maxCalls ?? 40;
  const maxActions = setup.maxActionsPerAdvance ?? 400;
  const engine = (): AuthStorage =>
    setup.storage === 'localstorage' ? createLocalStorage() : memory.storage;
  const tabs: DevToolsTab[] = [];
  const disposers: Array<() => void> = [];
  const context: BrowserContext = {
    setup,
    authName,
    server,
    locks,
    hub,
    engine,
    maxCalls,
    maxActionsPerInstant: setup.maxActionsPerInstant ?? 200,
    disposers,
  };

  /** Opens one more tab (labelled A, B, …): an instrumented store on the shared storage, locks and channel. */
  async function openTab(label = String.fromCharCode(65 + tabs.length)): Promise<DevToolsTab> {
    const tab = await createTab(context, label);
    tabs.push(tab);
    return tab;
  }

  /**
   * Advances fake time by `ms` in steps, failing the test as soon as a tab goes over its call
   * cap or dispatches more than `maxActionsPerAdvance` actions: a flood fails fast and clearly.
   */
  async function advance(ms: number, stepMs = 1_000): Promise<void> {
    const start = Date.now();
    const logged = tabs.map((tab) => tab.log.length);
    for (let elapsed = 0; elapsed < ms; elapsed += stepMs) {
      await vi.advanceTimersByTimeAsync(Math.min(stepMs, ms - elapsed));
      tabs.forEach((tab, i) => {
        const at = `${(Date.now() - start) / 1000} s into a ${ms / 1000} s wait`;
        const flood = tab.flood();
        const { refreshCalls, reuseDetections } = server.counters;
        const seen = `the server saw ${refreshCalls} refresh calls and ${reuseDetections} reuse detections`;
        if (flood !== null) throw new Error(`${flood}, ${at}; ${seen}`);
        const actions = tab.log.length - logged[i]!;
        if (actions > maxActions) {
          const types = [...new Set(tab.log.slice(logged[i]).map((a) => a.type))].join(', ');
          throw new Error(`tab ${tab.label} dispatched ${actions} actions (${types}), ${at}`);
        }
      });
    }
  }

  /** Every raw value in storage (the shared engine or localStorage), by key. */
  function stored(): Record<string, string> {
    if (setup.storage !== 'localstorage') return Object.fromEntries(memory.data);
    return Object.fromEntries(Object.entries(localStorage));
  }

  /**
   * Tokens the server ever issued that storage (or a cookie) still holds: refresh tokens as
   * they are, access tokens shortened to `access:<first 12 characters>…`.
   */
  function tokensInStorage(): string[] {
    const text = JSON.stringify(stored()) + (typeof document === 'undefined' ? '' : document.cookie);
    return [
      ...server.issued.filter((token) => text.includes(token)),
      ...server.accessTokens
        .filter((token) => text.includes(token))
        .map((token) => `access:${token.slice(0, 12)}…`),
    ];
  }

  const browser = {
    authName,
    server,
    locks,
    hub,
    memory,
    tabs,
    openTab,
    advance,
    stored,
    tokensInStorage,
    /** Writes every tab's pending redux-persist state now. */
    async flushAll(): Promise<void> {
      for (const tab of tabs) await tab.persistor?.flush();
    },
    dispose(): void {
      while (disposers.length > 0) disposers.pop()!();
    },
  };
  openBrowsers.push(browser);
  return browser;
}

export type DevToolsBrowser = ReturnType<typeof openDevToolsBrowser>;
/** One instrumented store of the browser, with its monitor and app-side helpers. */
export type DevToolsTab = Awaited<ReturnType<typeof createTab>>;

/** What the server answered each refresh call, in order: `'ok'` or why it refused. */
export const answersOf = (server: RotatingServer): string[] =>
  server.log.map(({ answer }) => (answer.ok ? 'ok' : answer.reason));

/**
 * The server never saw a refresh token it would not accept: no token sent twice (rotation
 * reuse), no revoked family, no unknown token (a redacted or made-up one). Lists the bad calls.
 */
export function expectOnlyLiveTokensSent(server: RotatingServer): void {
  const bad = server.log
    .filter((call) => !call.answer.ok)
    .map(
      (call) =>
        `${call.tab} sent ${call.refreshToken} at ${call.at}: ${(call.answer as { reason: string }).reason}`,
    );
  expect(bad, `refresh calls the server refused: ${bad.slice(0, 3).join('; ')}`).toEqual([]);
  expect(server.sentTwice(), 'refresh tokens sent more than once').toEqual([]);
  expect(server.counters.reuseDetections).toBe(0);
}

/**
 * At most one library action per due time: no two at the same instant, and no more in all than
 * `dueTimes` (the due times of the live session within the window).
 */
export function expectAtMostOnePerDueTime(actions: Appended[], dueTimes: number): void {
  const perInstant = new Map<number, string[]>();
  for (const a of actions) perInstant.set(a.at, [...(perInstant.get(a.at) ?? []), a.type]);
  const crowded = [...perInstant].filter(([, types]) => types.length > 1);
  expect(
    crowded
      .slice(0, 3)
      .map(([at, types]) => `${types.length} actions at ${at}: ${[...new Set(types)].join(', ')}`),
    'library actions dispatched at one instant',
  ).toEqual([]);
  expect(
    actions.length,
    `library actions while the past state was shown: ${[...new Set(actions.map((a) => a.type))].join(', ')}`,
  ).toBeLessThanOrEqual(dueTimes);
}

/**
 * How many due times the session in `root` has within `[from, to]`: its refresh (by the
 * scheduling rules, {@link nextRefreshAt}), its access token's expiry and its refresh token's.
 */
export function dueTimesWithin(
  root: DevToolsRoot,
  refresh: RefreshOptions,
  from: number,
  to: number,
): number {
  const session = root.auth.session;
  if (session === null) return 0;
  const times = [nextRefreshAt(root, refresh), session.expiresAt, session.refreshExpiresAt];
  return new Set(times.filter((t): t is number => t !== null && t >= from && t <= to)).size;
}
