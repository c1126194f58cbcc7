import type { UnknownAction } from '@reduxjs/toolkit';
import {
  isCurrent,
  refreshFailed,
  refreshStarted,
  refreshSucceeded,
  sessionSynced,
  signOut,
  tokenExpired,
  type SessionRef,
  type SessionSyncedPayload,
} from '../slice';
import type { AuthRootState, AuthSession, AuthState, RefreshFailureReason, RefreshOutcome } from '../types';
import type { Coordinator } from './crossTab';
import { parseRefreshResult } from './result';
import { backoffDelay, dueSteps, MAX_TIMER_DELAY, type SchedulePolicy } from './schedule';
import type { RefreshApiCallbackParam, RefreshOptions } from './types';
import type { WakeReason, WakeSource } from './wake';

/** Everything the engine needs, resolved to milliseconds and defaults. */
export interface EngineConfig<U> {
  refresh: RefreshOptions<U> | undefined;
  /** Cross-tab lock, storage re-read and channel; `null` for a tab on its own. */
  coordinator: Coordinator | null;
  policy: SchedulePolicy;
  timeoutMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  wallClockCheckMs: number;
  wake: WakeSource | false;
  random: () => number;
  logger: Pick<Console, 'error' | 'warn'>;
  onRefreshError: ((error: unknown) => void) | undefined;
}

export interface StoreAccess {
  getState: () => unknown;
  dispatch: (action: UnknownAction) => unknown;
}

/** A moment the scheduler waits for, and the session generation it waits on behalf of. */
export interface TrackedWake {
  at: number;
  ref: SessionRef;
}

type AbortCause = 'timeout' | 'signed-out' | 'disposed';

interface InFlight {
  ref: SessionRef;
  controller: AbortController;
  promise: Promise<RefreshOutcome>;
  cause: AbortCause | null;
}

export const selectAuthState = (state: unknown): AuthState => (state as AuthRootState).auth;

export function refOf(state: AuthState): SessionRef | null {
  return state.session === null
    ? null
    : { sessionId: state.session.id, generation: state.session.generation };
}

/** Whether `state` still holds the session generation `ref` names (the slice's own test). */
export const isRef = isCurrent;

/** The callback's answer if it comes within `ms`, else `null` (also for a rejection). */
function settleWithin(answer: Promise<unknown>, ms: number): Promise<{ value: unknown } | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), ms);
    answer.then(
      (value) => {
        clearTimeout(timer);
        resolve({ value });
      },
      () => {
        clearTimeout(timer);
        resolve(null);
      },
    );
  });
}

const failure = (reason: RefreshFailureReason | 'signed-out' | 'unavailable'): RefreshOutcome => ({
  ok: false,
  reason,
});

/**
 * The effectful shell around the pure decisions in `schedule.ts` and
 * `result.ts`: one refresh in flight at a time, its timeout, backoff, the
 * wake-ups and the wall-clock check. The listener tells it what to track.
 */
export function createRefreshEngine<U>(store: StoreAccess, config: EngineConfig<U>) {
  const { coordinator, logger, policy, timeoutMs } = config;
  // Without Web Locks nothing serializes the tabs, and tabs sharing a session would all come due
  // at the same instant: each tab acts up to 2 s early, by its own random amount, so the first
  // one's result (announced, and in storage) usually reaches the others before their turn.
  const lead =
    coordinator !== null && !coordinator.hasLocks
      ? Math.floor(config.random() * Math.min(2_000, policy.marginMs / 4))
      : 0;
  let inflight: InFlight | null = null;
  /** The session generation the last auth action left (`null`: signed out); undefined before any. */
  let observed: SessionRef | null | undefined;
  let tracked: TrackedWake | null = null;
  let wallClock: ReturnType<typeof setInterval> | null = null;
  let unsubscribeWake: (() => void) | null = null;

  const auth = (): AuthState => selectAuthState(store.getState());
  // Sessions that ended in this tab, and since when it has been signed out: a late announcement
  // from another tab must not revive a session that ended before this tab could see it end.
  const ended = new Set<string>();
  let lastEnded: string | undefined;
  let endedAnnounced: string | undefined;
  let signedOutSince = Date.now();
  let disposed = false;
  // Another tab's news arrives as its own action, so DevTools shows where it came from.
  const sync = (news: Omit<SessionSyncedPayload, 'now'>): unknown =>
    store.dispatch(sessionSynced({ ...news, now: Date.now() }));
  const unsubscribeSync = coordinator?.subscribe((news) => {
    const { session } = news;
    const stale =
      session !== null &&
      (ended.has(session.id) || (auth().session === null && session.startedAt < signedOutSince));
    if (!stale) sync(news);
  });

  function callbackParam(session: AuthSession, signal: AbortSignal): RefreshApiCallbackParam<U> {
    const param: RefreshApiCallbackParam<U> = { authUserState: session.userState as U | null, signal };
    // An access token past its expiry is never handed out, not even to the refresh call.
    if (session.expiresAt === null || Date.now() < session.expiresAt) param.authToken = session.token;
    if (session.refreshToken !== null) param.refreshToken = session.refreshToken;
    return param;
  }

  /** Runs the attempt under the cross-tab lock when there is one. */
  function call(flight: InFlight): Promise<RefreshOutcome> {
    if (coordinator === null) return attempt(flight);
    // A holder lets go within its timeout; one that does not (a frozen tab) loses the lock after twice that.
    return coordinator.exclusive(() => attempt(flight), timeoutMs * 2);
  }

  /** The settled state of a flight whose session ended or moved on while it waited or ran. */
  function superseded(flight: InFlight): RefreshOutcome | null {
    const now = auth();
    if (
      flight.cause === 'signed-out' ||
      flight.cause === 'disposed' ||
      now.session === null ||
      now.session.id !== flight.ref.sessionId
    ) {
      return failure('signed-out');
    }
    // Another tab's refresh arrived first: the goal is met, and this tab's token is spent.
    return isRef(now, flight.ref) ? null : { ok: true };
  }

  /**
   * Adopts what another tab stored if it is newer than `ref`, and returns the outcome that
   * settles the flight then; `'lagging'` when storage has not caught up, `null` when nothing is newer.
   */
  async function adoptNewer(
    flight: InFlight,
    guard: <T>(p: Promise<T>) => Promise<T>,
  ): Promise<RefreshOutcome | 'lagging' | null> {
    const session = auth().session;
    if (coordinator === null || session === null) return null;
    const newer = await guard(coordinator.newerThan(flight.ref, session.startedAt));
    if (newer === null || newer === 'lagging') return newer;
    if (newer === 'ended') {
      sync({ session: null, ended: flight.ref.sessionId });
      return failure('signed-out');
    }
    sync({ session: newer });
    return { ok: true };
  }

  async function attempt(flight: InFlight): Promise<RefreshOutcome> {
    const early = superseded(flight);
    if (early !== null) return early;
    const { controller, ref } = flight;
    // The timeout bounds the whole attempt, and with it how long the lock is held.
    const timer = setTimeout(() => abort(flight, 'timeout'), Math.min(timeoutMs, MAX_TIMER_DELAY));
    const aborted = new Promise<never>((_, reject) => {
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
    });
    aborted.catch(() => undefined);
    const guard = <T>(promise: Promise<T>): Promise<T> => Promise.race([promise, aborted]);
    try {
      // Re-read what every tab sees: if another tab already rotated the tokens, use theirs and send nothing.
      // A tab on its own skips the await, so its call starts inside the dispatch that asked for it.
      if (coordinator !== null) {
        const before = await adoptNewer(flight, guard);
        if (before === 'lagging') return fail(flight, 'network');
        if (before !== null) return before;
      }
      const session = auth().session!;
      let result: unknown;
      let answer: Promise<unknown> | undefined;
      try {
        answer = Promise.resolve(
          config.refresh!.refreshApiCallback(callbackParam(session, controller.signal)),
        );
        result = await guard(answer);
      } catch (error) {
        // A timed-out request may still have reached the server, and its answer then carries the
        // only live refresh token: keep the lock a while longer for it rather than let another
        // tab (or our own retry) send the spent one.
        const lateAnswer =
          flight.cause === 'timeout' && answer ? await settleWithin(answer, timeoutMs / 2) : null;
        const late = superseded(flight);
        if (late !== null) return late;
        if (lateAnswer === null) {
          if (flight.cause !== 'timeout') report(error);
          return fail(flight, flight.cause === 'timeout' ? 'timeout' : 'network');
        }
        result = lateAnswer.value;
      }
      // A result for a session that has ended or moved on must change nothing.
      const late = superseded(flight);
      if (late !== null) return late;
      // After a late answer the abort has fired already: what follows is bounded by the steal instead.
      const settle = flight.cause === 'timeout' ? <T>(p: Promise<T>): Promise<T> => p : guard;
      const parsed = parseRefreshResult(result, session as AuthSession<U>, ref, {
        intervalConfigured: policy.intervalMs !== null,
        now: Date.now(),
      });
      switch (parsed.kind) {
        case 'success':
          release(flight);
          store.dispatch(refreshSucceeded(parsed.payload));
          await publish(settle);
          return { ok: true };
        case 'rejected': {
          // A token another tab already rotated is rejected as spent: adopt theirs rather than sign out.
          const after = await adoptNewer(flight, settle).catch(() => null);
          return after !== null && after !== 'lagging' ? after : fail(flight, 'rejected');
        }
        case 'invalid':
          logger.error(
            `[redux-auth-kit] invalid refreshApiCallback result: ${parsed.problem} The session is kept; retrying later.`,
          );
          return fail(flight, 'invalid-response');
      }
    } catch (error) {
      // Only the guard's abort lands here (timeout, sign-out, teardown).
      const late = superseded(flight);
      if (late !== null) return late;
      if (flight.cause === 'timeout') return fail(flight, 'timeout');
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  async function publish(guard: <T>(p: Promise<T>) => Promise<T>): Promise<void> {
    const { session } = auth();
    if (coordinator !== null && session !== null) await guard(coordinator.publish(session));
  }

  /**
   * Frees the single-flight slot before the final action is dispatched, so a
   * refresh asked for while that action is handled starts anew instead of
   * joining a flight that is over.
   */
  function release(flight: InFlight): void {
    if (inflight === flight) inflight = null;
  }

  function fail(flight: InFlight, reason: RefreshFailureReason): RefreshOutcome {
    release(flight);
    const state = auth();
    if (isRef(state, flight.ref)) {
      const delay = backoffDelay(
        state.refresh.failures,
        config.retryBaseMs,
        config.retryMaxMs,
        config.random(),
      );
      store.dispatch(
        refreshFailed({ ...flight.ref, reason, retryAt: reason === 'rejected' ? null : Date.now() + delay }),
      );
    }
    return failure(reason);
  }

  /** Hands a thrown error to the app's hook; a hook that throws must not stall the refresh. */
  function report(error: unknown): void {
    try {
      config.onRefreshError?.(error);
    } catch (hookError) {
      logger.error('[redux-auth-kit] onRefreshError threw', hookError);
    }
  }

  function abort(flight: InFlight, cause: AbortCause): void {
    if (flight.cause !== null) return;
    flight.cause = cause;
    flight.controller.abort(
      new DOMException(`refresh ${cause}`, cause === 'timeout' ? 'TimeoutError' : 'AbortError'),
    );
  }

  /** Starts a refresh, or joins the one in flight. Never rejects. */
  function refresh(): Promise<RefreshOutcome> {
    if (inflight !== null) return inflight.promise;
    const state = auth();
    const { session } = state;
    if (session === null || disposed) return Promise.resolve(failure('signed-out'));
    if (
      // Only the state the last action left may be refreshed: after DevTools time travel the
      // store can show an older generation whose refresh token has already been spent.
      (observed !== undefined && (observed === null || !isRef(state, observed))) ||
      config.refresh === undefined ||
      session.refreshToken === null
    ) {
      return Promise.resolve(failure('unavailable'));
    }
    if (session.refreshExpiresAt !== null && session.refreshExpiresAt <= Date.now()) {
      endSession({ sessionId: session.id, generation: session.generation });
      return Promise.resolve(failure('unavailable'));
    }
    let settle!: (outcome: RefreshOutcome) => void;
    const flight: InFlight = {
      ref: { sessionId: session.id, generation: session.generation },
      controller: new AbortController(),
      promise: new Promise((resolve) => (settle = resolve)),
      cause: null,
    };
    inflight = flight;
    store.dispatch(refreshStarted(flight.ref));
    call(flight)
      .catch((error: unknown): RefreshOutcome => {
        // Something threw while a result was applied (an app reducer, say), or a frozen-tab
        // steal took our lock: count it as a transient failure so the session is retried
        // instead of stuck in 'refreshing'.
        if (!(error instanceof DOMException && error.name === 'AbortError')) {
          logger.error('[redux-auth-kit] refresh failed unexpectedly', error);
        }
        return fail(flight, 'network');
      })
      .then((outcome) => {
        release(flight);
        settle(outcome);
      });
    return flight.promise;
  }

  /** Does what is due now for the session generation `ref`, if it is still the current one. */
  function tick(ref: SessionRef): void {
    const state = auth();
    if (!isRef(state, ref)) return;
    for (const step of dueSteps(state, policy, Date.now() + lead)) {
      if (step === 'end') return endSession(ref);
      if (step === 'expire') store.dispatch(tokenExpired(ref));
      else void refresh();
    }
  }

  function onWake(reason: WakeReason): void {
    if (tracked === null) return;
    const state = auth();
    // Act only for the generation the scheduler tracks: under time travel getState() is a past state.
    if (!isRef(state, tracked.ref)) return;
    if (reason === 'online' && state.refresh.status === 'retrying') void refresh();
    else if (Date.now() >= tracked.at) tick(tracked.ref);
  }

  /** Starts or stops the wall-clock check and the wake-ups, which exist only while something is due. */
  function track(next: TrackedWake | null): void {
    tracked = next;
    if (next === null) {
      if (wallClock !== null) clearInterval(wallClock);
      wallClock = null;
      unsubscribeWake?.();
      unsubscribeWake = null;
      return;
    }
    if (wallClock === null && config.wallClockCheckMs > 0) {
      wallClock = setInterval(() => onWake('clock'), config.wallClockCheckMs);
    }
    if (unsubscribeWake === null && config.wake !== false) unsubscribeWake = config.wake(onWake);
  }

  /** Aborts a call in flight for another session than the current one (sign-out, new sign-in). */
  function abandonStale(): void {
    if (inflight === null) return;
    const { session } = auth();
    if (session === null || session.id !== inflight.ref.sessionId) {
      abort(inflight, 'signed-out');
      // A refresh for the new session must not join the abandoned one while it unwinds.
      inflight = null;
    }
  }

  /** Tells other tabs the session this tab now has (after a sign-in, refresh or sign-out here). */
  function announce(): void {
    const { session } = auth();
    if (session === null) {
      // A sign-out that changed nothing here tells the other tabs nothing.
      if (lastEnded === undefined || lastEnded === endedAnnounced) return;
      endedAnnounced = lastEnded;
    }
    coordinator?.announce(session, session === null ? lastEnded : undefined);
  }

  /**
   * Ends the session whose refresh token expired by this tab's clock. Another tab
   * may have extended it (sliding expiry) while this one slept: storage decides.
   */
  function endSession(ref: SessionRef): void {
    const session = auth().session;
    if (coordinator === null || session === null) {
      store.dispatch(signOut('expired'));
      return;
    }
    void coordinator.newerThan(ref, session.startedAt).then(
      (newer) => {
        if (!isRef(auth(), ref)) return;
        if (newer !== null && typeof newer === 'object') sync({ session: newer });
        else store.dispatch(signOut('expired'));
      },
      () => store.dispatch(signOut('expired')),
    );
  }

  /** Records what the latest auth action left in the store. */
  function observe(): void {
    const next = refOf(auth());
    if (observed && observed.sessionId !== next?.sessionId) {
      ended.add(observed.sessionId);
      lastEnded = observed.sessionId;
    }
    if (next === null && observed !== null) signedOutSince = Date.now();
    observed = next;
  }

  /** A session this tab read from storage at startup: if storage is empty later, it ended. */
  function noteRestored(): void {
    const { session } = auth();
    if (session !== null) coordinator?.noteStored(session.id);
  }

  function dispose(): void {
    disposed = true;
    if (inflight !== null) abort(inflight, 'disposed');
    track(null);
    unsubscribeSync?.();
    coordinator?.close();
  }

  /** Acts at once on anything the wall clock says is due (a machine that just woke). */
  const checkClock = (): void => onWake('clock');

  return {
    /** How much earlier than due this tab acts (ms); non-zero only for tabs without Web Locks. */
    lead,
    refresh,
    tick,
    track,
    observe,
    abandonStale,
    announce,
    checkClock,
    noteRestored,
    dispose,
  };
}

export type RefreshEngine = ReturnType<typeof createRefreshEngine>;
