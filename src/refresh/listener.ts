import { createListenerMiddleware, type Middleware, type UnknownAction } from '@reduxjs/toolkit';
import { REHYDRATE } from 'redux-persist';
import { checkClock, refreshNow, type RefreshNowAction } from '../actions';
import { AuthError } from '../errors';
import { isFiniteNumber } from '../token';
import { refreshFailed, refreshSucceeded, sessionRestored, signIn, signOut } from '../slice';
import { parseStoredSession } from '../persist/validate';
import { DEFAULT_AUTH_NAME } from '../persist/persistAuthReducer';
import type { AuthStorage } from '../persist/storage';
import type { AuthRootState, RefreshOutcome } from '../types';
import {
  createRefreshEngine,
  isRef,
  refOf,
  selectAuthState,
  type RefreshEngine,
  type StoreAccess,
} from './engine';
import {
  createCookieMarker,
  createCoordinator,
  markerCookieName,
  type Coordinator,
  type CrossTabOptions,
} from './crossTab';
import { MAX_TIMER_DELAY, nextWakeAt, type SchedulePolicy } from './schedule';
import type { RefreshOptions } from './types';
import { browserWakeSource, type WakeSource } from './wake';

/** Options for {@link createAuthListener}. Durations are in seconds. */
export interface AuthListenerOptions<U = unknown> {
  /** From `createRefresh`. Without it sessions are never refreshed and end when the access token expires. */
  refresh?: RefreshOptions<U>;
  /** The persistence key (React Auth Kit's `authName`). Default `'_auth'`. */
  authName?: string;
  /** The storage engine the auth state is persisted in, so unreadable stored state can be removed. */
  storage?: AuthStorage;
  /** Where wake-ups come from; `false` for none. Default: the browser's page events (nothing on a server). */
  wake?: WakeSource | false;
  /**
   * Seconds between wall-clock checks that catch a machine that slept: an
   * expired token stops being handed out within this long of waking. Default 1; 0 turns it off.
   */
  wallClockCheck?: number;
  /** Source of jitter in [0, 1). Default `Math.random`. */
  random?: () => number;
  /** Where errors are reported. Default `console`. Nothing logged contains a token. */
  logger?: Pick<Console, 'error' | 'warn'>;
  /** Called with what `refreshApiCallback` threw (network trouble); the session is kept and retried. */
  onRefreshError?: (error: unknown) => void;
  /**
   * Coordination between tabs sharing `storage`: one refresh at a time under a
   * Web Lock, tabs adopting each other's tokens, and sign-in, refresh and
   * sign-out announced over a `BroadcastChannel` (both named after `authName`).
   * Default: on in a browser that has them, given `storage`; `false` turns it off.
   */
  crossTab?: CrossTabOptions | false;
}

/** `dispatch(refreshNow())` through the auth middleware returns a promise of the outcome. */
export interface AuthDispatchExtension {
  (action: RefreshNowAction): Promise<RefreshOutcome>;
}

/** The part of a listener effect's API the auth listeners use. */
export interface AuthListenerApi {
  getState: () => unknown;
  dispatch: (action: UnknownAction) => unknown;
  cancelActiveListeners: () => void;
  delay: (ms: number) => Promise<void>;
}

/**
 * What the auth listeners need of RTK's `startListening`: the `startListening`
 * of any `createListenerMiddleware()` instance fits, typed or not.
 */
export type StartListeningLike = (options: {
  predicate: (action: UnknownAction) => boolean;
  effect: (action: UnknownAction, api: AuthListenerApi) => void | Promise<void>;
}) => () => void;

/** What {@link createAuthListener} returns. Use one per store. */
export interface AuthListener {
  /**
   * Middleware for `configureStore`: the refresh listeners behind a gate that
   * lets only `auth/…` and `persist/…` actions reach them, so unrelated
   * dispatches cost nothing; makes `dispatch(refreshNow())` return a promise.
   */
  middleware: Middleware<AuthDispatchExtension, AuthRootState>;
  /**
   * Adds the same listeners to an app's own listener middleware instead.
   * Returns a function that removes them. There `dispatch(refreshNow())`
   * returns the action; use {@link AuthListener.refresh} for the outcome.
   *
   * @example
   * ```ts
   * const appListener = createListenerMiddleware();
   * auth.startListening(appListener.startListening);
   * ```
   */
  startListening: (start: StartListeningLike) => () => void;
  /** Refresh now, joining a refresh in flight. Resolves `{ ok: false, reason: 'signed-out' }` before a store is attached. */
  refresh: () => Promise<RefreshOutcome>;
  /** Stops timers, wake-ups and listeners and aborts a call in flight (store teardown, tests). */
  dispose: () => void;
}

function isAuthTraffic(action: unknown): boolean {
  const type = (action as { type?: unknown } | null)?.type;
  return typeof type === 'string' && (type.startsWith('auth/') || type.startsWith('persist/'));
}

function wallClockCheckMs(seconds: number | undefined): number {
  const value = seconds ?? 1;
  if (!isFiniteNumber(value) || value < 0 || value * 1000 > MAX_TIMER_DELAY) {
    throw new AuthError('invalid-option', '"wallClockCheck" must be 0 or a number of seconds.');
  }
  return value * 1000;
}

// What this tab did itself and other tabs must follow; adopted news (sessionSynced) is not re-announced.
const announces = (action: UnknownAction): boolean =>
  signIn.match(action) ||
  refreshSucceeded.match(action) ||
  signOut.match(action) ||
  (refreshFailed.match(action) && action.payload.reason === 'rejected');

function coordinatorFor(authName: string, options: AuthListenerOptions<unknown>): Coordinator | null {
  const { crossTab = {}, storage } = options;
  if (crossTab === false || storage === undefined) return null;
  // localStorage can lag between tabs: unless told otherwise, a marker cookie makes the next lock holder wait for it.
  const marker =
    crossTab.marker === undefined && storage.lagsBetweenTabs === true && typeof document !== 'undefined'
      ? createCookieMarker(markerCookieName(authName))
      : (crossTab.marker ?? null);
  const coordinator = createCoordinator(authName, storage, { ...crossTab, marker });
  // A tab with neither a lock nor a channel is on its own: nothing to coordinate.
  if (!coordinator.coordinates) {
    coordinator.close();
    return null;
  }
  return coordinator;
}

// Every auth action can change what is due next; refreshNow and checkClock are answered directly.
const reschedules = (action: UnknownAction): boolean =>
  action.type.startsWith('auth/') && !refreshNow.match(action) && !checkClock.match(action);

/**
 * The refresh scheduler for a store you configure yourself.
 *
 * @example
 * ```ts
 * const auth = createAuthListener({ refresh, authName: '_auth', storage });
 * const store = configureStore({
 *   reducer: { auth: persistAuthReducer({ authName: '_auth', authType: 'cookie' }) },
 *   middleware: (gDM) => gDM({ serializableCheck: { ignoredActions: PERSIST_ACTIONS } }).prepend(auth.middleware),
 * });
 * ```
 */
export function createAuthListener<U = unknown>(options: AuthListenerOptions<U> = {}): AuthListener {
  const authName = options.authName ?? DEFAULT_AUTH_NAME;
  const logger = options.logger ?? console;
  const refresh = options.refresh;
  const policy: SchedulePolicy = {
    canRefresh: refresh !== undefined,
    intervalMs: refresh?.interval === undefined ? null : refresh.interval * 1000,
    marginMs: (refresh?.margin ?? 60) * 1000,
  };
  const listener = createListenerMiddleware({
    onError: (error) => logger.error('[redux-auth-kit] listener failed', error),
  });
  const clockMs = wallClockCheckMs(options.wallClockCheck);
  let engine: RefreshEngine | null = null;
  const engineFor = (store: StoreAccess): RefreshEngine =>
    (engine ??= createRefreshEngine<U>(store, {
      refresh,
      coordinator: coordinatorFor(authName, options as AuthListenerOptions<unknown>),
      policy,
      timeoutMs: (refresh?.timeout ?? 10) * 1000,
      retryBaseMs: (refresh?.retryDelay ?? 2) * 1000,
      retryMaxMs: (refresh?.maxRetryDelay ?? 60) * 1000,
      wallClockCheckMs: clockMs,
      wake: options.wake ?? browserWakeSource,
      random: options.random ?? Math.random,
      logger,
      onRefreshError: options.onRefreshError,
    }));

  async function schedule(_action: UnknownAction, api: AuthListenerApi): Promise<void> {
    // Take-latest: each auth action replaces the previous wait.
    api.cancelActiveListeners();
    const run = engineFor(api);
    run.observe();
    run.abandonStale();
    const ref = refOf(selectAuthState(api.getState()));
    if (ref === null) return run.track(null);
    for (;;) {
      const state = selectAuthState(api.getState());
      // State replaced without an action (time travel): the wait was for a token that is no longer current.
      if (!isRef(state, ref)) return;
      const due = nextWakeAt(state, policy);
      const at = due === null ? null : due - run.lead;
      run.track(at === null ? null : { at, ref });
      if (at === null) return;
      const wait = at - Date.now();
      if (wait <= 0) return run.tick(ref);
      await api.delay(Math.min(wait, MAX_TIMER_DELAY));
    }
  }

  function restore(action: UnknownAction, api: AuthListenerApi): void {
    const { payload, err } = action as UnknownAction & { payload?: unknown; err?: unknown };
    // No payload means nothing was stored; anything else must be the object we write.
    const stored =
      typeof payload === 'object' && payload !== null && 'session' in payload ? payload.session : undefined;
    const session = parseStoredSession(stored);
    const unreadable = err !== undefined || (payload !== undefined && session === null);
    api.dispatch(sessionRestored({ session, now: Date.now() }));
    engineFor(api).noteRestored();
    if (unreadable) {
      logger.warn(`[redux-auth-kit] unreadable stored auth state under "${authName}" removed.`);
      options.storage?.removeItem(authName).catch(() => undefined);
    }
  }

  const startListening = (start: StartListeningLike): (() => void) => {
    const stops = [
      start({ predicate: reschedules, effect: schedule }),
      start({
        predicate: (action) => action.type === REHYDRATE && (action as { key?: unknown }).key === authName,
        effect: restore,
      }),
      start({ predicate: refreshNow.match, effect: (_action, api) => void engineFor(api).refresh() }),
      start({ predicate: checkClock.match, effect: (_action, api) => engineFor(api).checkClock() }),
      start({ predicate: announces, effect: (_action, api) => engineFor(api).announce() }),
    ];
    return () => stops.forEach((stop) => stop());
  };
  // The private instance never sees refreshNow or checkClock: the middleware below answers them.
  startListening(listener.startListening);

  const middleware: Middleware<AuthDispatchExtension, AuthRootState> = (api) => {
    // One engine, one store: a second store would be driven by the first one's state.
    if (engine !== null) {
      throw new AuthError('invalid-option', 'This auth listener already serves a store: use one per store.');
    }
    const run = engineFor(api);
    const withListeners = listener.middleware(api);
    return (next) => {
      const handle = withListeners(next);
      return (action) => {
        if (checkClock.match(action)) {
          run.checkClock();
          return action;
        }
        if (refreshNow.match(action)) {
          next(action);
          return run.refresh();
        }
        return isAuthTraffic(action) ? handle(action) : next(action);
      };
    };
  };

  return {
    middleware,
    startListening,
    refresh: () => engine?.refresh() ?? Promise.resolve({ ok: false, reason: 'signed-out' }),
    dispose: () => {
      engine?.dispose();
      listener.clearListeners();
    },
  };
}
