import { createListenerMiddleware, type UnknownAction } from '@reduxjs/toolkit';
import { checkClock, refreshNow } from '../actions';
import { LOG, raise } from '../errors';
import { hasOwn } from '../json';
import { REHYDRATE } from '../persist/persistAuthReducer';
import { isSessionHint } from '../persist/hintStorage';
import { registeredAuthStorage } from '../persist/registry';
import { parseStoredSession } from '../persist/validate';
import { authSlice, liveStateReapplied, sessionRestored, shownChecked } from '../slice';
import type { AuthRootState, AuthState } from '../types';
import { resolveConfig } from './config';
import { createRefreshEngine } from './engine';
import type {
  AuthListener,
  AuthListenerApi,
  AuthListenerOptions,
  StartListeningLike,
  StopListening,
} from './options';
import { createScheduler } from './scheduler';

/**
 * The action-type gate: only `auth/…` actions and redux-persist's rehydration
 * reach the listeners, so unrelated dispatches cost nothing.
 */
function isAuthTraffic(action: unknown): boolean {
  const type = (action as { type?: unknown } | null)?.type;
  return typeof type === 'string' && (type.startsWith('auth/') || type === REHYDRATE);
}

/** The auth slice of a root state, or a fresh one when none is mounted. */
const authOf = (state: unknown): AuthState =>
  (state as Partial<AuthRootState> | undefined)?.auth ?? authSlice.getInitialState();

/** What redux-persist's `REHYDRATE` carries. */
interface RehydrateAction extends UnknownAction {
  key?: unknown;
  payload?: unknown;
  err?: unknown;
}

/**
 * The refresh scheduler for a store you configure yourself.
 *
 * @example
 * ```ts
 * const auth = createAuthListener({ refresh, authName: '_auth' });
 * const store = configureStore({
 *   reducer: { auth: persistAuthReducer({ authName: '_auth', authType: 'cookie' }) },
 *   middleware: (gDM) => gDM({ serializableCheck: { ignoredActions: PERSIST_ACTIONS } }).prepend(auth.middleware),
 * });
 * ```
 */
export function createAuthListener<U = unknown>(options: AuthListenerOptions<U> = {}): AuthListener {
  const config = resolveConfig(options);
  const { authName, logger } = config;
  const engine = createRefreshEngine(config);
  const scheduler = createScheduler(engine, config);
  const listener = createListenerMiddleware({
    onError: (error) => logger.error(LOG + 'listener failed', error),
  });
  /**
   * As middleware, the gate follows each auth action before the store reduces it (dispatch order,
   * nested dispatches included); on an app's own listener middleware, the effect does.
   */
  let followsInMiddleware = false;
  let storageWarned = false;
  let disposed = false;
  /** The first REHYDRATE for `authName` has been taken: later ones are replays. */
  let storageReadOnce = false;

  /** What redux-persist read back for `authName`, validated; unreadable stored state is removed. */
  function restore({ payload, err }: RehydrateAction): void {
    const storage = config.storage ?? registeredAuthStorage(authName);
    // Read once per store. Another REHYDRATE is a replay: Redux DevTools recomputing its history
    // runs redux-persist's reducer over PERSIST again, which reads storage again — and storage can
    // hold a session this tab has since signed out or refreshed past.
    if (storageReadOnce) return;
    storageReadOnce = true;
    if (storage) engine.adoptStorage(storage);
    else if (config.crossTab !== false && !storageWarned) {
      storageWarned = true;
      logger.warn(
        `${LOG}"${authName}" is persisted but its listener has no storage, so tabs will not coordinate refreshes: ` +
          `pass createAuthListener({ storage }), or use persistAuthReducer({ authName: "${authName}" }).`,
      );
    }
    // No payload means nothing was stored; anything else must be the object we write. Only its own
    // `session` counts: redux-persist assigns stored keys, so a stored `__proto__` becomes the prototype.
    const stored = typeof payload === 'object' && payload !== null && hasOwn(payload, 'session');
    const field = stored ? (payload as { session: unknown }).session : undefined;
    // Secure mode stores only a hint: the session is restored by a refresh.
    if (isSessionHint(field)) {
      // Without a callback nothing can turn the hint into a session: signed out, not restoring for ever.
      const restorable = config.callback !== null;
      engine.dispatch(sessionRestored({ session: null, now: Date.now(), hinted: restorable }));
      if (!restorable) storage?.removeItem(authName).catch(() => undefined);
      return;
    }
    const session = parseStoredSession(field);
    engine.dispatch(sessionRestored({ session, now: Date.now() }));
    if (err !== undefined || (payload !== undefined && session === null)) {
      logger.warn(`${LOG}unreadable stored auth state under "${authName}" removed.`);
      storage?.removeItem(authName).catch(() => undefined);
    }
  }

  // One listener for every action past the gate. As middleware it never sees refreshNow or
  // checkClock: the gate answers them.
  async function effect(action: UnknownAction, api: AuthListenerApi): Promise<void> {
    if (disposed) return;
    if (!followsInMiddleware) {
      // On an app's listener middleware the store is served from the first auth action on, starting
      // from the state before it.
      if (!engine.attached) engine.attach(api, authOf(api.getOriginalState()));
      engine.follow(action);
    }
    if (refreshNow.match(action)) {
      void engine.refresh();
      return;
    }
    // The engine's own check of which state the store shows, and its putting the live state back,
    // change nothing to schedule (and reschedule from inside the engine's own dispatch: no loop).
    if (shownChecked.match(action) || liveStateReapplied.match(action)) return;
    if (checkClock.match(action)) return scheduler.wake('clock');
    if (action.type === REHYDRATE) {
      if ((action as RehydrateAction).key === authName) restore(action);
      return;
    }
    // Take-latest: each auth action replaces the previous wait; when a wait ends, the live state
    // is looked at again.
    api.cancelActiveListeners();
    for (let wait = scheduler.due(); wait !== null; wait = scheduler.due()) await api.delay(wait);
  }

  /** Every place the listeners were added to, so that dispose removes them from the app's middleware too. */
  const added = new Set<StopListening>();
  const startListening = (start: StartListeningLike): (() => void) => {
    const stop = start({ predicate: isAuthTraffic, effect });
    added.add(stop);
    return () => {
      added.delete(stop);
      stop({ cancelActive: true });
    };
  };
  startListening(listener.startListening);

  return {
    middleware: (api) => {
      // One engine, one store: a second store would be driven by the first one's state.
      if (!engine.attach(api, authOf(api.getState()))) {
        raise('invalid-option', 'This auth listener already serves a store: use one per store.');
      }
      followsInMiddleware = true;
      // Made with the store, before any monitor can show a past state: the state now is the present.
      engine.watchRoots(api.getState());
      const withListeners = listener.middleware(api);
      return (next) => {
        /** Whether the action being reduced changed the live auth state. */
        let liveChanged = false;
        // The root state before and after the reducers (and before any listener effect runs) tells a
        // past state Redux DevTools shows from the present.
        const reduce = (action: unknown): unknown => {
          const before = api.getState();
          const result = next(action);
          engine.sawAction(before, api.getState(), liveChanged);
          return result;
        };
        const handle = withListeners(reduce);
        return (action) => {
          if (!isAuthTraffic(action)) {
            // Unrelated actions read nothing: they only mark the state as possibly changed unseen.
            engine.sawUnrelatedAction();
            return next(action);
          }
          // checkClock is answered here and reaches no reducer.
          if (checkClock.match(action)) {
            scheduler.wake('clock');
            return action;
          }
          if (refreshNow.match(action)) {
            next(action);
            return engine.refresh();
          }
          liveChanged = engine.follow(action as UnknownAction);
          return handle(action);
        };
      };
    },
    startListening,
    refresh: () => engine.refresh(),
    dispose: () => {
      disposed = true;
      for (const stop of added) stop({ cancelActive: true });
      added.clear();
      scheduler.dispose();
      engine.dispose();
      listener.clearListeners();
    },
  };
}
