import { createListenerMiddleware, type Middleware, type UnknownAction } from '@reduxjs/toolkit';
import { checkClock, refreshNow, type RefreshNowAction } from '../actions';
import { LOG, raise } from '../errors';
import { sessionRestored } from '../slice';
import { parseStoredSession } from '../persist/validate';
import { DEFAULT_AUTH_NAME, REHYDRATE } from '../persist/persistAuthReducer';
import type { AuthStorage } from '../persist/storage';
import type { AuthRootState, RefreshOutcome } from '../types';
import type { CrossTabOptions } from './crossTab';
import { createRefreshEngine } from './engine';
import type { RefreshOptions } from './types';
import type { WakeSource } from './wake';

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
   * lets only `auth/…` actions and redux-persist's `REHYDRATE` reach them, so unrelated
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

/**
 * The action-type gate: only `auth/…` actions and redux-persist's rehydration
 * reach the listeners, so unrelated dispatches cost nothing.
 */
function isAuthTraffic(action: unknown): boolean {
  const type = (action as { type?: unknown } | null)?.type;
  return typeof type === 'string' && (type.startsWith('auth/') || type === REHYDRATE);
}

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
  const [attach, refresh, seen, due, onWake, dispose] = createRefreshEngine(options, authName, logger);
  const listener = createListenerMiddleware({
    onError: (error) => logger.error(LOG + 'listener failed', error),
  });

  // One listener for every action past the gate. In the middleware below it never sees refreshNow
  // or checkClock: the middleware answers them.
  async function effect(
    action: UnknownAction & { key?: unknown; payload?: unknown; err?: unknown },
    api: AuthListenerApi,
  ): Promise<void> {
    attach(api);
    if (refreshNow.match(action)) return void refresh();
    if (checkClock.match(action)) return onWake('clock');
    if (action.type !== REHYDRATE) {
      // Take-latest: each auth action replaces the previous wait; when a wait ends, the state is
      // read again and only the generation it was for is acted on.
      api.cancelActiveListeners();
      const ref = seen(action);
      for (let wait; (wait = due(ref));) await api.delay(wait);
    } else if (action.key === authName) {
      // What redux-persist read back, validated. No payload means nothing was stored; anything else
      // must be the object we write: unreadable stored state is removed.
      const { payload, err } = action;
      const session = parseStoredSession((payload as { session?: unknown } | undefined)?.session);
      api.dispatch(sessionRestored({ session, now: Date.now() }));
      if (err !== undefined || (payload !== undefined && session === null)) {
        logger.warn(`${LOG}unreadable stored auth state under "${authName}" removed.`);
        options.storage?.removeItem(authName).catch(() => undefined);
      }
    }
  }

  const startListening = (start: StartListeningLike): (() => void) =>
    start({ predicate: isAuthTraffic, effect });
  startListening(listener.startListening);

  return {
    middleware: (api) => {
      // One engine, one store: a second store would be driven by the first one's state.
      if (!attach(api))
        raise('invalid-option', 'This auth listener already serves a store: use one per store.');
      const withListeners = listener.middleware(api);
      return (next) => {
        const handle = withListeners(next);
        return (action) => {
          if (!isAuthTraffic(action)) return next(action);
          // checkClock is answered here and reaches no reducer.
          if (checkClock.match(action)) return (onWake('clock'), action);
          if (refreshNow.match(action)) return (next(action), refresh());
          return handle(action);
        };
      };
    },
    startListening,
    refresh,
    dispose: () => {
      dispose();
      listener.clearListeners();
    },
  };
}
