import type { Middleware, UnknownAction } from '@reduxjs/toolkit';
import type { AuthStorage } from '../persist/storage';
import type { CrossTabOptions } from '../tabs/options';
import type { AuthRootState, RefreshOutcome } from '../types';
import type { RefreshNowAction } from '../actions';
import type { RefreshOptions } from './types';
import type { WakeSource } from './wake';

/** Where the library reports problems. Nothing it logs contains a token. */
export type AuthLogger = Pick<Console, 'error' | 'warn'>;

/** Options for {@link createAuthListener}. Durations are in seconds. */
export interface AuthListenerOptions<U = unknown> {
  /** From `createRefresh`. Without it sessions are never refreshed and end when the access token expires. */
  refresh?: RefreshOptions<U>;
  /** The persistence key (React Auth Kit's `authName`). Default `'_auth'`. */
  authName?: string;
  /**
   * The storage engine the auth state is persisted in: the one `createAuthStorage` made.
   * Optional beside `persistAuthReducer({ authName })`, whose storage is found by `authName`.
   */
  storage?: AuthStorage;
  /** Where wake-ups come from; `false` for none. Default: the browser's page events (nothing on a server). */
  wake?: WakeSource | false;
  /**
   * Seconds between wall-clock checks that catch a machine that slept without
   * any wake-up event: an expired token stops being handed out, and a due
   * refresh goes out, within this long of waking. Checks run only while a
   * session is signed in and the page is not hidden. Default 10; 0 turns them off.
   */
  wallClockCheck?: number;
  /** Source of jitter in [0, 1). Default `Math.random`. */
  random?: () => number;
  /** Where errors are reported. Default `console`. Nothing logged contains a token. */
  logger?: AuthLogger;
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
  /** The store's state now. */
  getState: () => unknown;
  /** The state before the action being handled. */
  getOriginalState: () => unknown;
  /** Dispatches an action to the store. */
  dispatch: (action: UnknownAction) => unknown;
  /** Cancels the other running instances of this listener (take-latest). */
  cancelActiveListeners: () => void;
  /** Waits `ms`, rejecting if this instance is cancelled meanwhile. */
  delay: (ms: number) => Promise<void>;
}

/**
 * What the auth listeners need of RTK's `startListening`: the `startListening`
 * of any `createListenerMiddleware()` instance fits, typed or not.
 */
export type StartListeningLike = (options: {
  /** Which actions run `effect`. */
  predicate: (action: UnknownAction) => boolean;
  /** Runs after the reducers for each matching action, with the store's listener API. */
  effect: (action: UnknownAction, api: AuthListenerApi) => void | Promise<void>;
}) => StopListening;

/**
 * Removes listeners added by a {@link StartListeningLike}. RTK's takes
 * `{ cancelActive: true }` to also cancel effects that are running (waiting
 * for a due time); a plain `() => void` fits too.
 *
 * @param options.cancelActive - Also cancel the effects that are running now.
 */
export type StopListening = (options?: { cancelActive?: true }) => void;

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
