import type { UnknownAction } from '@reduxjs/toolkit';
import { LOG } from '../errors';
import { isCurrent, refOf } from '../session';
import { refreshFailed, refreshStarted, refreshSucceeded } from '../slice';
import { refreshLockName, withLock } from '../tabs/locks';
import type { Tabs, TabNews } from '../tabs/tabs';
import { passed } from '../token';
import type { AuthSession, AuthState, RefreshFailureReason, RefreshOutcome, SessionRef } from '../types';
import { isAbortError } from './abort';
import { callRefresh, createFlightAbort, waitUntil } from './call';
import type { RefreshConfig } from './config';
import { outcomeOfFate, resultFate } from './decide';
import { parseRefreshResult } from './result';
import { nextAttemptAt } from './schedule';
import type { RefreshApiCallback, RefreshApiCallbackParam } from './types';

/** What a flight needs from the engine that runs it. */
export interface FlightContext<U> {
  config: RefreshConfig<U>;
  callback: RefreshApiCallback<U>;
  tabs: Tabs | null;
  /** The live auth state: what the auth actions produced. */
  live: () => AuthState;
  dispatch: (action: UnknownAction) => void;
  /** Applies what another tab stored: a newer session to adopt, or the end of this one. */
  apply: (news: TabNews) => void;
}

/** One refresh of one session generation: at most one per store at a time. */
export interface Flight {
  readonly ref: SessionRef;
  /** What callers of `refresh()` get: settles at the answer, or at the timeout. Never rejects. */
  readonly outcome: Promise<RefreshOutcome>;
  /** Settles once the call is over (answered, or aborted after its grace) and the lock let go. */
  readonly over: Promise<void>;
  /** Whether `outcome` has settled; a timed-out call may still be waiting out its grace. */
  readonly settled: boolean;
  /** Dispatches `refreshStarted` and runs the refresh (under the cross-tab lock when there is one). */
  launch(): void;
  /** Abandons the flight: its session ended (or another started), or the store is torn down. */
  abandon(cause: 'signed-out' | 'disposed'): void;
}

const failure = (reason: RefreshFailureReason | 'signed-out'): RefreshOutcome => ({ ok: false, reason });

/**
 * Creates the flight that refreshes `session`: re-reads what every tab stored
 * (adopting a newer session instead of calling), calls the app's callback with
 * its timeout and grace, and applies the result only while it still applies.
 */
export function createFlight<U>(ctx: FlightContext<U>, session: AuthSession<U>): Flight {
  const { config, tabs } = ctx;
  const ref = refOf(session);
  const abort = createFlightAbort();
  let settled = false;
  let settleOutcome!: (outcome: RefreshOutcome) => void;
  const outcome = new Promise<RefreshOutcome>((resolve) => (settleOutcome = resolve));
  let markOver!: () => void;
  const over = new Promise<void>((resolve) => (markOver = resolve));

  /** Settles the callers' outcome (the first settlement wins) and returns it. */
  const settle = (result: RefreshOutcome): RefreshOutcome => {
    if (!settled) {
      settled = true;
      settleOutcome(result);
    }
    return result;
  };

  /** The outcome if this flight's session ended or moved on, or it was abandoned; `null` while it still applies. */
  const superseded = (): RefreshOutcome | null => {
    if (abort.cause === 'signed-out' || abort.cause === 'disposed') return failure('signed-out');
    const fate = resultFate(ctx.live(), ref);
    return fate.kind === 'applies' ? null : outcomeOfFate(fate);
  };

  /**
   * A failed attempt: the session is kept and retried after a backoff (not
   * before `notBefore`), or ended for `'rejected'`. Callers learn the outcome
   * before the action is dispatched, so a refresh asked for while it is handled
   * starts anew instead of joining this flight.
   */
  const fail = (reason: RefreshFailureReason, notBefore = 0): RefreshOutcome => {
    const result = settle(failure(reason));
    const live = ctx.live();
    if (isCurrent(live, ref)) {
      const retryAt =
        reason === 'rejected'
          ? null
          : nextAttemptAt({
              failures: live.refresh.failures,
              baseMs: config.retryDelayMs,
              maxMs: config.maxRetryDelayMs,
              random: config.random(),
              now: Date.now(),
              notBefore,
            });
      ctx.dispatch(refreshFailed({ ...ref, reason, retryAt }));
    }
    return result;
  };

  /**
   * Reads what every tab stored, until `until`. Returns the outcome that settles
   * the flight (a newer session adopted, the session ended elsewhere, storage
   * lagging or too slow), or `null` when nothing is newer and the call may go on.
   */
  async function fromStorage(tabsNow: Tabs, until: number, lagging: RefreshFailureReason) {
    const waited = await waitUntil(tabsNow.readNews(session), until, abort);
    if (waited.kind === 'aborted') return superseded() ?? failure('signed-out');
    if (waited.kind === 'timeout') return superseded() ?? fail('timeout');
    // readNews never rejects; a failure would read as nothing newer.
    const news = waited.kind === 'done' ? waited.value : ({ kind: 'same' } as const);
    switch (news.kind) {
      case 'lagging':
        // If the session moved on meanwhile (an announcement), that settles it.
        return superseded() ?? fail(lagging);
      case 'ended':
        ctx.apply({ kind: 'end', ended: ref.sessionId });
        return failure('signed-out');
      case 'newer':
        ctx.apply({ kind: 'adopt', session: news.session });
        return { ok: true } as const;
      case 'same':
        return null;
    }
  }

  /** Hands a thrown error to the app's hook; a hook that throws must not stall the refresh. */
  const report = (error: unknown): void => {
    try {
      config.onRefreshError?.(error);
    } catch (hookError) {
      config.logger.error(LOG + 'onRefreshError threw', hookError);
    }
  };

  async function attempt(): Promise<void> {
    const early = superseded();
    if (early) return void settle(early);
    // The timeout bounds the whole attempt, and with it how long the lock is held (plus the grace).
    const deadline = Date.now() + config.timeoutMs;
    const graceEnd = deadline + config.graceMs;
    if (tabs) {
      // Re-read what every tab sees: if another tab already rotated the tokens, use theirs and send nothing.
      const settledByStorage = await fromStorage(tabs, deadline, 'network');
      if (settledByStorage) return void settle(settledByStorage);
      // An announcement may have moved the session on while storage was read: this token is then spent.
      const moved = superseded();
      if (moved) return void settle(moved);
    }
    const param: Omit<RefreshApiCallbackParam<U>, 'signal'> = { authUserState: session.userState };
    // Checked when the flight started: a generation keeps its refresh token.
    if (session.refreshToken !== null) param.refreshToken = session.refreshToken;
    // An access token past its expiry is never handed out, not even to the refresh call.
    if (!passed(session.expiresAt, Date.now())) param.authToken = session.token;
    const result = await callRefresh({
      callback: ctx.callback,
      param,
      abort,
      deadline,
      graceMs: config.graceMs,
      // Callers stop waiting at the timeout; the retry waits for the grace to end.
      onTimeout: () => void settle(superseded() ?? fail('timeout', graceEnd)),
    });
    // A result for a session that has ended or moved on must change nothing.
    const over = superseded();
    if (over) return void settle(over);
    if (result.kind === 'timed-out' || result.kind === 'abandoned') return;
    if (result.kind === 'threw') {
      // After the timeout, the failure is counted already.
      if (!result.late) {
        report(result.error);
        fail('network');
      }
      return;
    }
    const parsed = parseRefreshResult(result.value, {
      session,
      ref,
      intervalConfigured: config.opaqueTokensRefreshed,
      now: Date.now(),
    });
    if (parsed.kind === 'success') {
      const { expiresAt, receivedAt } = parsed.payload;
      if (passed(expiresAt, receivedAt)) {
        config.logger.warn(
          `${LOG}newAuthToken arrived already expired by this device's clock; the next refresh waits 30 s. ` +
            'Tokens with "iat", or newAuthTokenExpireIn, are immune to a skewed clock.',
        );
      }
      settle({ ok: true });
      ctx.dispatch(refreshSucceeded(parsed.payload));
      // The lock is let go only once storage and the marker hold the new tokens, where the next holder
      // looks: the announcement of the action above writes them (redux-persist would a tick later).
      if (tabs) await waitUntil(tabs.written(), Math.max(graceEnd, Date.now()), abort);
      return;
    }
    if (parsed.kind === 'rejected') {
      // A token another tab already rotated is rejected as spent: adopt theirs rather than sign out.
      const adopted = tabs
        ? await fromStorage(tabs, Math.max(graceEnd, Date.now() + config.timeoutMs), 'rejected')
        : null;
      return void settle(adopted ?? fail('rejected'));
    }
    config.logger.error(
      `${LOG}invalid refreshApiCallback result: ${parsed.problem} The session is kept; retrying later.`,
    );
    if (!result.late) fail('invalid-response');
  }

  const run = (): Promise<void> =>
    tabs?.locks
      ? // A holder lets go within its timeout and grace; one that does not (a frozen tab) loses the lock after twice the timeout.
        withLock({
          locks: tabs.locks,
          name: refreshLockName(config.authName),
          stealAfterMs: config.timeoutMs * 2,
          task: attempt,
        })
      : attempt();

  return {
    ref,
    outcome,
    over,
    get settled() {
      return settled;
    },
    launch() {
      ctx.dispatch(refreshStarted(ref));
      run()
        .catch((error: unknown) => {
          // Something threw while a result was applied (an app reducer, say), or a frozen-tab steal
          // took our lock: a transient failure, so the session is retried instead of stuck in 'refreshing'.
          if (!isAbortError(error)) config.logger.error(LOG + 'refresh failed unexpectedly', error);
          if (!settled) fail('network');
        })
        .finally(() => {
          // Every path settles; should one not, the session must not stay 'refreshing' for good.
          if (!settled) settle(superseded() ?? fail('network'));
          markOver();
        });
    },
    abandon(cause) {
      abort.abort(cause);
    },
  };
}
