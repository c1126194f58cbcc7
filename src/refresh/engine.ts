import type { UnknownAction } from '@reduxjs/toolkit';
import { LOG } from '../errors';
import { registeredAuthStorage } from '../persist/registry';
import type { AuthStorage } from '../persist/storage';
import { isCurrent, noteSessionStart, refOf } from '../session';
import {
  authReducer,
  authSlice,
  liveStateReapplied,
  sessionSynced,
  shownChecked,
  signOut,
  tokenExpired,
} from '../slice';
import { createTabs, type TabNews, type Tabs } from '../tabs/tabs';
import { passed } from '../token';
import type { AuthRootState, AuthSession, AuthState, RefreshOutcome } from '../types';
import type { RefreshConfig } from './config';
import {
  decideStart,
  isShownLive,
  judgeShownRoot,
  outcomeOfFate,
  resultFate,
  rootAfterAction,
  rootWatchAt,
  type RefreshPolicy,
  type RootWatch,
  type ShownVerdict,
} from './decide';
import { createFlight, type Flight, type FlightHost } from './flight';

/** The store an engine serves: what a middleware or a listener effect is given. */
export interface StoreAccess {
  getState: () => unknown;
  dispatch: (action: UnknownAction) => unknown;
}

/**
 * The refresh engine of one store: the live auth state, the single flight,
 * the other tabs. It acts only for the live session — the one the latest auth
 * action produced — which it knows by running the (pure) auth reducer over
 * every auth action itself, so a state Redux DevTools merely shows never drives it.
 */
export interface RefreshEngine {
  /** Serves `store`, starting from its auth state now; `false` when it serves a store already. */
  attach(store: StoreAccess, initial: AuthState): boolean;
  /** Whether a store is attached. */
  readonly attached: boolean;
  /** Follows one auth action, in the order the store reduces them; whether it changed the live state. */
  follow(action: UnknownAction): boolean;
  /** The live auth state. */
  live(): AuthState;
  /**
   * Whether the store shows the live state (no DevTools monitor holds a past one). A present that a
   * history edit left without the live auth state is set back first.
   */
  shownIsLive(): boolean;
  /**
   * Looks whether the store shows an auth state other than the live one, and puts the live one back
   * if a history edit changed the present. Dispatches nothing while the shown auth state is the live one.
   */
  followEdits(): void;
  /**
   * From now on every action is seen (the auth middleware): root states tell the present from a
   * past state, starting from `present`, the root state the store has when the middleware is made.
   */
  watchRoots(present: unknown): void;
  /**
   * The root state the store showed before and after an action (any action,
   * from the auth middleware): how a past state with the live auth state in it
   * is told from the present.
   */
  sawAction(before: unknown, after: unknown, liveChanged: boolean): void;
  /** An action unrelated to auth passed on unread: the state may have changed unseen. */
  sawUnrelatedAction(): void;
  /** Dispatches an action of the library's to the store. */
  dispatch(action: UnknownAction): void;
  /** Starts a refresh, or joins the one in flight. Never rejects. */
  refresh(): Promise<RefreshOutcome>;
  /**
   * Ends `session`, whose refresh token expired by this tab's clock. Another tab
   * may have extended it (sliding expiry) while this one slept: storage decides.
   */
  endSession(session: AuthSession): void;
  /** The other tabs, or `null` for a tab on its own. */
  readonly tabs: Tabs | null;
  /** The refresh policy in force: the config's, with what the storage says of secure mode. */
  policy(): RefreshPolicy;
  /** Uses `storage` for coordination, when none was found at attach (a persisted store rehydrating). */
  adoptStorage(storage: AuthStorage): void;
  /** Aborts a call in flight and closes the channel. */
  dispose(): void;
}

/** Creates the engine for one store. */
export function createRefreshEngine<U>(config: RefreshConfig<U>): RefreshEngine {
  let store: StoreAccess | null = null;
  let live: AuthState = authSlice.getInitialState();
  let tabs: Tabs | null = null;
  let flight: Flight | null = null;
  /** Settles when the latest flight's call is over and its lock let go. */
  let over: Promise<void> = Promise.resolve();
  /** The session whose end is being confirmed with storage, so it is ended once. */
  let ending: string | null = null;
  let disposed = false;
  /** What the engine has warned of: each message once per store. */
  const warned = new Set<string>();
  const warnOnce = (message: string): void => {
    if (warned.has(message)) return;
    warned.add(message);
    config.logger.warn(LOG + message);
  };
  /** The live state last put back in the present: never twice. */
  let reappliedFor: AuthState | null = null;
  /** Root states seen around actions; only the auth middleware sees every action to keep it. */
  let roots: RootWatch | null = null;
  /** The storage the store persists to, when the engine knows it. */
  let storage: AuthStorage | null = null;
  /** The refresh policy: the config's, and whether the storage keeps tokens in memory only (secure mode). */
  let policy: RefreshPolicy = config;

  const dispatch = (action: UnknownAction): void => {
    store?.dispatch(action);
  };

  // Another tab's news arrives as its own action, so DevTools shows where it came from.
  const apply = (news: TabNews): void =>
    dispatch(
      news.kind === 'adopt'
        ? sessionSynced({ session: news.session, now: Date.now() })
        : sessionSynced({ session: null, ended: news.ended, now: Date.now() }),
    );

  function connect(found: AuthStorage): void {
    if (found.tokensInMemory === true && config.callback === null) {
      warnOnce(
        `"${config.authName}" is in secure mode (authType: 'memory') without a refreshApiCallback: ` +
          'the session lives only until the page reloads. Pass refresh: createRefresh({ refreshApiCallback }).',
      );
    }
    storage = found;
    policy = { ...policy, refreshTokenInCookie: found.tokensInMemory === true };
    if (tabs || config.crossTab === false) return;
    tabs = createTabs({
      authName: config.authName,
      storage,
      crossTab: config.crossTab,
      policy,
      live: () => live,
      onNews: apply,
    });
  }

  const shownRoot = (): unknown => store?.getState();
  const shownAuthMatches = (root: unknown): boolean =>
    isShownLive((root as Partial<AuthRootState> | undefined)?.auth, live);

  /** What the engine can tell of the state the store shows. */
  function judgeShown(): ShownVerdict {
    const shown = shownRoot();
    const authMatches = shownAuthMatches(shown);
    // Without the auth middleware (startListening) the engine sees no root states: the auth state alone decides.
    if (!roots) return authMatches ? 'present' : 'past';
    const judged = judgeShownRoot(shown, authMatches, roots);
    roots = judged.watch;
    return judged.verdict;
  }

  /**
   * Puts right a present that no auth action produced: once per live state, so a present that will
   * not take it (a reducer of the app's that changes the auth slice back) is taken for a past state.
   */
  function putRightEdit(): ShownVerdict {
    if (reappliedFor === live) return holdAsPast();
    reappliedFor = live;
    const shown = (shownRoot() as Partial<AuthRootState> | undefined)?.auth;
    // A present left with no session (a skipped signIn, or a root reducer that resets the state on
    // logout) is followed: signing out everywhere rather than bringing the session back.
    if (live.session !== null && shown !== undefined && shown.session === null && !shown.restoring) {
      warnEdit('the live session is signed out everywhere to match (auth/signOut).');
      dispatch(signOut());
    } else {
      warnEdit('the live session is put back (auth/liveStateReapplied). To sign out, dispatch signOut().');
      dispatch(liveStateReapplied({ live }));
    }
    // A present that still differs is not the library's to put right.
    return judgeShown() === 'present' ? 'present' : holdAsPast();
  }

  /** Takes the state the store shows for a past one, until it changes. */
  function holdAsPast(): ShownVerdict {
    if (roots) roots = { ...roots, held: shownRoot() };
    return 'past';
  }

  const warnEdit = (outcome: string): void =>
    warnOnce(
      'the auth state shown is not the one the auth actions produced (a Redux DevTools history edit, ' +
        `or a reducer of the app's): ${outcome}`,
    );

  /** Settles what the engine cannot tell by one action of its own, and a history edit by another. */
  function settledShown(): ShownVerdict {
    let verdict = judgeShown();
    // An action that changes the state settles it: the present moves with it, a past state does not.
    if (verdict === 'unsure') {
      dispatch(shownChecked());
      verdict = judgeShown();
    }
    return verdict === 'edited' ? putRightEdit() : verdict;
  }

  function followEdits(): void {
    if (store && !disposed && !shownAuthMatches(shownRoot())) settledShown();
  }

  function shownIsLive(): boolean {
    const same = settledShown() === 'present';
    if (!same) {
      warnOnce(
        'the store shows a past auth state (Redux DevTools?): no refresh is sent until it shows the live one.',
      );
    }
    return same;
  }

  function start(): Promise<RefreshOutcome> {
    if (!store || disposed) return Promise.resolve({ ok: false, reason: 'signed-out' });
    const decision = decideStart({ live, shownIsLive: shownIsLive(), policy, now: Date.now() });
    if (decision.kind === 'refuse') return Promise.resolve(decision.outcome);
    if (decision.kind === 'end') endSession(decision.session);
    // (A session can be refreshed only with a callback: `decideStart` checked.)
    if (decision.kind === 'end' || config.callback === null) {
      return Promise.resolve({ ok: false, reason: 'unavailable' });
    }
    const target = decision.kind === 'restore' ? null : (decision.session as AuthSession<U>);
    const next = createFlight<U>(engine, target, config.callback);
    // Registered before `refreshStarted` is dispatched, so a refresh asked for while it is handled joins.
    flight = next;
    over = next.launch().then(() => {
      if (flight === next) flight = null;
    });
    return next.outcome;
  }

  function refresh(): Promise<RefreshOutcome> {
    const current = flight;
    if (current === null) return start();
    if (!current.settled) return current.outcome;
    // Its callers have their outcome, but the call is not over (a timed-out call waiting out its
    // grace, a result being written): a refresh asked for now waits for it, then needs one only if
    // the generation it was asked for is still the live one.
    const asked = live.session && refOf(live.session);
    return over.then(() => (asked && outcomeOfFate(resultFate(live, asked))) ?? refresh());
  }

  function endSession(session: AuthSession): void {
    if (ending === session.id) return;
    ending = session.id;
    const ref = refOf(session);
    // The expired access token is withdrawn at once: the storage check below takes a while.
    if (passed(session.expiresAt, Date.now()) && !live.tokenExpired) dispatch(tokenExpired(ref));
    const settle = (newer: AuthSession | null): void => {
      if (ending === session.id) ending = null;
      if (!isCurrent(live, ref)) return;
      if (newer) apply({ kind: 'adopt', session: newer });
      else dispatch(signOut('expired'));
    };
    if (!tabs) return settle(null);
    void tabs.readNews(session).then(
      (news) => settle(news.kind === 'newer' ? news.session : null),
      () => settle(null),
    );
  }

  const engine: RefreshEngine & FlightHost<U> = {
    config,
    attach(api, initial) {
      if (store) return false;
      store = api;
      live = initial;
      const found = config.storage ?? registeredAuthStorage(config.authName);
      if (found) connect(found);
      return true;
    },
    get attached() {
      return store !== null;
    },
    follow(action) {
      // The live state put back changes nothing here, and a copy of one dispatched again (replayed,
      // synced from elsewhere) must not bring back what it held: the next check puts the present right.
      if (liveStateReapplied.match(action)) {
        if (action.payload.live !== live) void Promise.resolve().then(followEdits);
        return false;
      }
      const previous = live;
      const before = live.session;
      live = authReducer(live, action);
      const after = live.session;
      if (after?.refreshToken && policy.refreshTokenInCookie && after !== before) {
        warnOnce(
          "secure mode (authType: 'memory') keeps the refresh token in the server's HttpOnly cookie: " +
            'the one given to signIn is never sent, and should not reach the page at all.',
        );
      }
      // Later sign-ins here start after any session this page has held.
      if (after !== null) noteSessionStart(after.startedAt);
      // A call in flight for a session that is no longer the live one (sign-out, new sign-in) is abandoned;
      // a refresh for the new session must not join it while it unwinds.
      if (flight && resultFate(live, flight.ref).kind === 'ended') {
        flight.abandon('signed-out');
        flight = null;
      }
      tabs?.follow({ action, before, after });
      // Secure mode: signed out (or a restore refused) leaves no hint that a session may exist.
      const signedOut = after === null && !live.restoring && (before !== null || previous.restoring);
      if (signedOut && storage?.tokensInMemory)
        void storage.removeItem(config.authName).catch(() => undefined);
      return live !== previous;
    },
    live: () => live,
    shownIsLive,
    followEdits,
    watchRoots(present) {
      roots = rootWatchAt(present);
    },
    sawAction(before, after, liveChanged) {
      // Only the auth middleware reports actions, and it started the watch (watchRoots).
      if (roots) roots = rootAfterAction(roots, { before, after, liveChanged });
    },
    sawUnrelatedAction() {
      if (roots?.tipFresh) roots = { ...roots, tipFresh: false };
    },
    dispatch,
    refresh,
    endSession,
    get tabs() {
      return tabs;
    },
    policy: () => policy,
    adoptStorage: connect,
    apply,
    dispose() {
      disposed = true;
      flight?.abandon('disposed');
      tabs?.close();
      // A torn-down store writes nothing more: a pending write could put back a session signed out since.
      storage?.close?.();
    },
  };
  return engine;
}
