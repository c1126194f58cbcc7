import type { UnknownAction } from '@reduxjs/toolkit';
import { LOG } from '../errors';
import {
  isCurrent,
  refreshFailed,
  refreshStarted,
  refreshSucceeded,
  sessionSynced,
  signOut,
  tokenExpired,
  type SessionRef,
} from '../slice';
import { passed } from '../token';
import type { AuthRootState, AuthSession, AuthState, RefreshFailureReason, RefreshOutcome } from '../types';
import { createTabs, refreshLockName, withLock, type Sync, type Tabs } from './crossTab';
import { checkSeconds } from './createRefresh';
import type { AuthListenerApi, AuthListenerOptions } from './listener';
import { parseRefreshResult } from './result';
import { backoffDelay, dueSteps, MAX_TIMER_DELAY, nextWakeAt } from './schedule';
import type { RefreshApiCallbackParam } from './types';
import { browserWakeSource, type WakeReason } from './wake';

type AbortCause = 'timeout' | 'signed-out' | 'disposed';

const refOf = (session: AuthSession): SessionRef => ({
  sessionId: session.id,
  generation: session.generation,
});

const failure = (reason: RefreshFailureReason | 'signed-out' | 'unavailable'): RefreshOutcome => ({
  ok: false,
  reason,
});

/** The callback's answer, boxed, if it comes within `ms`; nothing after that or for a rejection. */
const settleWithin = (answer: Promise<unknown>, ms: number): Promise<[unknown] | void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    answer
      .then(
        (value): [unknown] => [value],
        () => undefined,
      )
      .then((box) => {
        clearTimeout(timer);
        resolve(box);
      });
  });

/**
 * The effectful shell around the pure decisions in `schedule.ts` and
 * `result.ts`, for the one store it is attached to: one refresh in flight at a
 * time (under the cross-tab lock), its timeout, backoff, what is due when a
 * wait ends, the wake-ups and the wall-clock check. The listener tells it what
 * each auth action left and waits for it.
 */
export function createRefreshEngine<U>(
  options: AuthListenerOptions<U>,
  authName: string,
  logger: Pick<Console, 'error' | 'warn'>,
): RefreshEngine {
  const { refresh: refreshOptions, onRefreshError } = options;
  const random = options.random ?? Math.random;
  const wake = options.wake ?? browserWakeSource;
  const clock = options.wallClockCheck ?? 1;
  checkSeconds('"wallClockCheck"', clock, true, true);
  const interval = refreshOptions?.interval;
  const policy = {
    canRefresh: !!refreshOptions,
    intervalMs: interval === undefined ? null : interval * 1000,
    marginMs: (refreshOptions?.margin ?? 60) * 1000,
  };
  const timeoutMs = (refreshOptions?.timeout ?? 10) * 1000;

  /** The store served, from its middleware (or the first listener effect) on. */
  let store: Pick<AuthListenerApi, 'getState' | 'dispatch'> | undefined;
  const auth = (): AuthState => (store!.getState() as AuthRootState).auth;
  const dispatch = (action: UnknownAction): unknown => store!.dispatch(action);
  // Another tab's news arrives as its own action, so DevTools shows where it came from.
  const sync: Sync = (news) => dispatch(sessionSynced({ ...news, now: Date.now() }));
  /** The other tabs, from attach on; `null` for a tab on its own. */
  let tabs: Tabs | null = null;
  /** How much earlier than due this tab acts (ms); non-zero only for tabs without Web Locks. */
  let lead = 0;
  /** The session generation the last auth action left (`null`: signed out); undefined before any. */
  let observed: SessionRef | null | undefined;
  /** The generation the scheduler waits on behalf of, while anything is due. */
  let tracked: SessionRef | null = null;
  let wallClock: ReturnType<typeof setInterval> | undefined;
  let unsubscribeWake: (() => void) | undefined;
  /** The refresh in flight, its session and how to abort it. */
  let flight: Promise<RefreshOutcome> | null = null;
  let flightSession: string;
  let abortFlight: (cause: AbortCause) => void;
  let disposed = false;

  /** Starts a refresh, or joins the one in flight. Never rejects. */
  const refresh = (): Promise<RefreshOutcome> => Promise.resolve(flight ?? start());

  /** Starts a flight, or says at once why there is nothing to refresh. */
  function start(): RefreshOutcome | Promise<RefreshOutcome> {
    const state = store && auth();
    const session = state?.session;
    if (!session || disposed) return failure('signed-out');
    if (
      // Only the state the last action left may be refreshed: after DevTools time travel the
      // store can show an older generation whose refresh token has already been spent.
      (observed !== undefined && !(observed && isCurrent(state!, observed))) ||
      !refreshOptions ||
      !session.refreshToken
    ) {
      return failure('unavailable');
    }
    if (passed(session.refreshExpiresAt, Date.now())) {
      endSession(session);
      return failure('unavailable');
    }
    // Within the flight `session` stays what the state holds while the flight is current (each
    // generation of a session is one value): the checks below re-read only whether it is.
    const ref = refOf(session);
    const controller = new AbortController();
    const { signal } = controller;
    let cause: AbortCause | undefined;
    const timedOut = (): boolean => cause === 'timeout';
    const abort = (why: AbortCause): void => {
      if (cause) return;
      cause = why;
      controller.abort(new DOMException(`refresh ${why}`, timedOut() ? 'TimeoutError' : 'AbortError'));
    };
    const aborted = new Promise<never>((_, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason));
    });
    aborted.catch(() => undefined);
    /** `promise`, unless this flight is aborted first. */
    const guard = <T>(promise: Promise<T>): Promise<T> => Promise.race([promise, aborted]);

    /** The settled state of this flight if its session ended or moved on while it waited or ran. */
    const superseded = (): RefreshOutcome | void => {
      const now = auth();
      if ((cause && !timedOut()) || now.session?.id !== ref.sessionId) return failure('signed-out');
      // Another tab's refresh arrived first: the goal is met, and this tab's token is spent.
      if (!isCurrent(now, ref)) return { ok: true };
    };

    /**
     * Frees the single-flight slot before the final action is dispatched, so a
     * refresh asked for while that action is handled starts anew instead of
     * joining a flight that is over.
     */
    const release = (): void => {
      if (flight === promise) flight = null;
    };

    const fail = (reason: RefreshFailureReason): RefreshOutcome => {
      release();
      const now = auth();
      if (isCurrent(now, ref)) {
        const delay = backoffDelay(
          now.refresh.failures,
          (refreshOptions.retryDelay ?? 2) * 1000,
          (refreshOptions.maxRetryDelay ?? 60) * 1000,
          random(),
        );
        dispatch(
          refreshFailed({ ...ref, reason, retryAt: reason === 'rejected' ? null : Date.now() + delay }),
        );
      }
      return failure(reason);
    };

    /**
     * Adopts what another tab stored if it is newer, and returns the outcome that settles the
     * flight then, or nothing when nothing is newer. Storage that has not caught up fails it with `lagging`.
     */
    const adopt = async (
      wait: <T>(p: Promise<T>) => Promise<T>,
      lagging: RefreshFailureReason,
    ): Promise<RefreshOutcome | void> => {
      const newer = await wait(tabs!.newer(session));
      // Storage has not caught up; if the session moved on meanwhile (an announcement), that settles it.
      if (newer === 'lagging') return superseded() || fail(lagging);
      if (newer === 'ended') {
        sync({ session: null, ended: ref.sessionId });
        return failure('signed-out');
      }
      if (newer) {
        sync({ session: newer });
        return { ok: true };
      }
    };

    const attempt = async (): Promise<RefreshOutcome> => {
      const early = superseded();
      if (early) return early;
      // The timeout bounds the whole attempt, and with it how long the lock is held.
      const timeout = setTimeout(abort, Math.min(timeoutMs, MAX_TIMER_DELAY), 'timeout');
      try {
        // Re-read what every tab sees: if another tab already rotated the tokens, use theirs and send nothing.
        // A tab on its own skips the await, so its call starts inside the dispatch that asked for it.
        const adopted = tabs && (await adopt(guard, 'network'));
        if (adopted) return adopted;
        // Another tab's announcement may have moved the session on while storage was read: then this
        // generation's refresh token is spent, and sending it would look like reuse to the server.
        const moved = superseded();
        if (moved) return moved;
        const param: RefreshApiCallbackParam<U> = {
          authUserState: session.userState as U | null,
          // Checked when the flight started; a generation keeps its refresh token.
          refreshToken: session.refreshToken!,
          signal,
        };
        // An access token past its expiry is never handed out, not even to the refresh call.
        if (!passed(session.expiresAt, Date.now())) param.authToken = session.token;
        // A callback that throws at once fails like one that rejects.
        const answer = new Promise((resolve) => resolve(refreshOptions!.refreshApiCallback(param)));
        let error: unknown;
        const box = await guard(answer).then(
          (value): [unknown] => [value],
          // A timed-out request may still have reached the server, and its answer then carries the
          // only live refresh token: keep the lock a while longer for it rather than let another
          // tab (or our own retry) send the spent one.
          (thrown) => (timedOut() ? settleWithin(answer, timeoutMs / 2) : void (error = thrown)),
        );
        // A result for a session that has ended or moved on must change nothing.
        const over = superseded();
        if (over) return over;
        if (!box) {
          if (timedOut()) return fail('timeout');
          // Hands the thrown error to the app's hook; a hook that throws must not stall the refresh.
          try {
            onRefreshError?.(error);
          } catch (hookError) {
            logger.error(LOG + 'onRefreshError threw', hookError);
          }
          return fail('network');
        }
        // After a late answer the abort has fired already: what follows is bounded by the steal instead.
        const settle = timedOut() ? <T>(p: Promise<T>): Promise<T> => p : guard;
        const parsed = parseRefreshResult(box[0], session as AuthSession<U>, ref, {
          intervalConfigured: interval !== undefined,
          now: Date.now(),
        });
        if (parsed.kind === 'success') {
          const { expiresAt, receivedAt } = parsed.payload;
          if (passed(expiresAt, receivedAt)) {
            logger.warn(
              `${LOG}newAuthToken arrived already expired by this device's clock; the next refresh waits 30 s. ` +
                'Tokens with "iat", or newAuthTokenExpireIn, are immune to a skewed clock.',
            );
          }
          release();
          dispatch(refreshSucceeded(parsed.payload));
          // The lock is let go only once storage and the marker hold the new tokens, where the next
          // holder looks: the announcement of the action above writes them (redux-persist would a tick later).
          if (tabs) await settle(tabs.written());
          return { ok: true };
        }
        if (parsed.kind === 'rejected') {
          // A token another tab already rotated is rejected as spent: adopt theirs rather than sign out.
          return (tabs && (await adopt(settle, 'rejected').catch(() => undefined))) || fail('rejected');
        }
        logger.error(
          `${LOG}invalid refreshApiCallback result: ${parsed.problem} The session is kept; retrying later.`,
        );
        return fail('invalid-response');
      } catch (error) {
        // Only the guard's abort lands here (timeout, sign-out, teardown), or a throw while a result was applied.
        const over = superseded();
        if (over) return over;
        if (timedOut()) return fail('timeout');
        throw error;
      } finally {
        clearTimeout(timeout);
      }
    };

    let settleFlight!: (outcome: RefreshOutcome) => void;
    const promise = (flight = new Promise((resolve) => (settleFlight = resolve)));
    flightSession = session.id;
    abortFlight = abort;
    dispatch(refreshStarted(ref));
    // Under the cross-tab lock when there is one. A holder lets go within its timeout; one that
    // does not (a frozen tab) loses the lock after twice that.
    (tabs?.locks ? withLock(tabs.locks, refreshLockName(authName), timeoutMs * 2, attempt) : attempt())
      .catch((error: unknown): RefreshOutcome => {
        // Something threw while a result was applied (an app reducer, say), or a frozen-tab
        // steal took our lock: count it as a transient failure so the session is retried
        // instead of stuck in 'refreshing'.
        if (!(error instanceof DOMException && error.name === 'AbortError')) {
          logger.error(LOG + 'refresh failed unexpectedly', error);
        }
        return fail('network');
      })
      .then((outcome) => {
        release();
        settleFlight(outcome);
      });
    return promise;
  }

  /**
   * Ends `session`, whose refresh token expired by this tab's clock. Another tab
   * may have extended it (sliding expiry) while this one slept: storage decides.
   */
  function endSession(session: AuthSession): void {
    const ref = refOf(session);
    const settle = (newer?: AuthSession | string | null): void => {
      if (!isCurrent(auth(), ref)) return;
      if (typeof newer === 'object' && newer) sync({ session: newer });
      else dispatch(signOut('expired'));
    };
    if (tabs) void tabs.newer(session).then(settle, () => settle());
    else settle();
  }

  /** Stops the wall-clock check and the wake-ups, which exist only while something is due. */
  function untrack(): void {
    tracked = null;
    clearInterval(wallClock);
    wallClock = undefined;
    unsubscribeWake?.();
    unsubscribeWake = undefined;
  }

  /**
   * Does what is due now for the session generation `ref` (the current one, or
   * `null`) and returns how long to wait before looking again (nothing: no
   * wait). A wake-up (`reason`) looks at the wall clock early, and after
   * `online` a failed refresh is retried at once.
   */
  function due(ref: SessionRef | null, reason?: WakeReason): number | void {
    const state = auth();
    // State replaced without an action (time travel): nothing is done for a generation that is not
    // current. Without a generation (signed out) nothing is due.
    if (ref && !isCurrent(state, ref)) return;
    if (reason === 'online' && state.refresh.status === 'retrying') return void refresh();
    const at = nextWakeAt(state, policy);
    // Something is due only for a session, so `ref` names one from here on.
    if (at === null) return untrack();
    tracked = ref!;
    wallClock ??= clock ? setInterval(onWake, clock * 1000, 'clock') : undefined;
    unsubscribeWake ??= wake ? wake(onWake) : undefined;
    const wait = at - lead - Date.now();
    // Waits longer than a timer can take are taken in steps.
    if (wait > 0) return Math.min(wait, MAX_TIMER_DELAY);
    for (const step of dueSteps(state, policy, Date.now() + lead)) {
      if (step === 'end') return endSession(state.session!);
      if (step === 'expire') dispatch(tokenExpired(ref!));
      else void refresh();
    }
  }

  // A wake-up (or the wall-clock check) acts only for the generation the scheduler tracks: under
  // time travel getState() is a past state.
  const onWake = (reason: WakeReason): void => void (tracked && due(tracked, reason));

  /** Serves `api`'s store; `false` when a store is served already (one engine, one store). */
  function attach(api: Pick<AuthListenerApi, 'getState' | 'dispatch'>): boolean {
    if (store) return false;
    store = api;
    tabs = createTabs(authName, options.storage, options.crossTab, auth, sync);
    // Without Web Locks nothing serializes the tabs, and tabs sharing a session would all come due
    // at the same instant: each tab acts up to 2 s early, by its own random amount, so the first
    // one's result (announced, and in storage) usually reaches the others before their turn.
    if (tabs && !tabs.locks) lead = Math.floor(random() * Math.min(2_000, policy.marginMs / 4));
    return true;
  }

  /**
   * Follows an auth action: records the generation it left, aborts a call in flight for another
   * session than the current one (sign-out, new sign-in), tells the other tabs. Returns the generation.
   */
  function seen(action: UnknownAction): SessionRef | null {
    const { session } = auth();
    const before = observed;
    observed = session && refOf(session);
    if (flight && session?.id !== flightSession) {
      abortFlight('signed-out');
      // A refresh for the new session must not join the abandoned one while it unwinds.
      flight = null;
    }
    tabs?.seen(action, before);
    return observed;
  }

  /** Stops timers and wake-ups, aborts a call in flight, closes the channel. */
  function dispose(): void {
    disposed = true;
    if (flight) abortFlight('disposed');
    untrack();
    tabs?.close();
  }

  // Positional (property names would survive minification); the labels name them.
  const engine: RefreshEngine = [attach, refresh, seen, due, onWake, dispose];
  return engine;
}

/** What {@link createRefreshEngine} hands the listener, in this order. */
export type RefreshEngine = readonly [
  attach: (api: Pick<AuthListenerApi, 'getState' | 'dispatch'>) => boolean,
  refresh: () => Promise<RefreshOutcome>,
  seen: (action: UnknownAction) => SessionRef | null,
  due: (ref: SessionRef | null, reason?: WakeReason) => number | void,
  onWake: (reason: WakeReason) => void,
  dispose: () => void,
];
