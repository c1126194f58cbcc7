import type { UnknownAction } from '@reduxjs/toolkit';
import { LOG } from '../errors';
import { nanoid } from '@reduxjs/toolkit';
import { isCurrent, refOf, RESTORE_REF, signInStartedAt } from '../session';
import { refreshFailed, refreshStarted, refreshSucceeded, sessionRestored } from '../slice';
import { refreshLockName, withLock } from '../tabs/locks';
import type { TabNews, Tabs } from '../tabs/tabs';
import { passed } from '../token';
import type {
  AuthSession,
  AuthState,
  RefreshFailureReason,
  RefreshOutcome,
  RefreshSucceededPayload,
  SessionRef,
  SessionRestoredPayload,
} from '../types';
import { isAbortError } from './abort';
import { callRefresh, createFlightAbort, waitUntil } from './call';
import type { RefreshConfig } from './config';
import { outcomeOfFate, resultFate, type RefreshPolicy } from './decide';
import { parseRefreshResult } from './result';
import { nextAttemptAt } from './schedule';
import type { RefreshApiCallback, RefreshApiCallbackParam } from './types';

/** What a flight needs from the engine that runs it. */
export interface FlightHost<U> {
  readonly config: RefreshConfig<U>;
  readonly tabs: Tabs | null;
  /** The live auth state: what the auth actions produced. */
  live(): AuthState;
  dispatch(action: UnknownAction): void;
  /** Applies what another tab stored: a newer session to adopt, or the end of this one. */
  apply(news: TabNews): void;
  /** The refresh policy in force (secure mode sends no refresh token of the page's). */
  policy(): RefreshPolicy;
}

/** One refresh of one session generation: at most one per store at a time. */
export interface Flight {
  readonly ref: SessionRef;
  /** What callers of `refresh()` get: settles at the answer, or at the timeout. Never rejects. */
  readonly outcome: Promise<RefreshOutcome>;
  /** Whether `outcome` has settled; a timed-out call may still be waiting out its grace. */
  readonly settled: boolean;
  /**
   * Dispatches `refreshStarted` and runs the refresh (under the cross-tab lock
   * when there is one). Resolves once the call is over — answered, or aborted
   * after its grace — and the lock let go.
   */
  launch(): Promise<void>;
  /** Abandons the flight: its session ended (or another started), or the store is torn down. */
  abandon(cause: 'signed-out' | 'disposed'): void;
}

const SIGNED_OUT: RefreshOutcome = { ok: false, reason: 'signed-out' };

/** The session a restoring refresh (secure mode) starts, from its validated tokens. */
function restoredSession<U>(payload: RefreshSucceededPayload<U>): SessionRestoredPayload<U> {
  const { receivedAt: now } = payload;
  return {
    session: {
      id: nanoid(),
      generation: 0,
      token: payload.token,
      tokenType: payload.tokenType,
      expiresAt: payload.expiresAt,
      receivedAt: now,
      startedAt: signInStartedAt(now),
      refreshToken: payload.refreshToken ?? null,
      refreshExpiresAt: payload.refreshExpiresAt ?? null,
      userState: payload.userState ?? null,
    },
    now,
    refreshed: true,
  };
}

/**
 * The flight that refreshes `session` with `callback` — or, for `null`, restores
 * one (secure mode after a reload): re-reads what every tab stored or asks them
 * (adopting a newer session instead of calling), calls with its timeout and
 * grace, and applies the result only while it still applies.
 */
export function createFlight<U>(
  host: FlightHost<U>,
  session: AuthSession<U> | null,
  callback: RefreshApiCallback<U>,
): Flight {
  const { config, tabs } = host;
  const { logger, timeoutMs, graceMs } = config;
  const ref = session ? refOf(session) : RESTORE_REF;
  const abort = createFlightAbort();
  let settled = false;
  let resolve!: (outcome: RefreshOutcome) => void;
  const outcome = new Promise<RefreshOutcome>((settle) => (resolve = settle));

  /** Settles the callers' outcome (the first settlement wins: a promise resolves once) and returns it. */
  const settle = (result: RefreshOutcome): RefreshOutcome => {
    resolve(result);
    settled = true;
    return result;
  };

  /** The outcome if the flight was abandoned or its session ended or moved on; `null` while it applies. */
  const superseded = (): RefreshOutcome | null =>
    abort.cause === 'signed-out' || abort.cause === 'disposed'
      ? SIGNED_OUT
      : outcomeOfFate(resultFate(host.live(), ref));

  /**
   * A failed attempt: the session is kept and retried after a backoff (never
   * before `notBefore`), or ended for `'rejected'`. Callers learn the outcome
   * before the action is dispatched, so a refresh asked for while it is handled
   * does not join this flight.
   */
  const fail = (reason: RefreshFailureReason, notBefore = 0): RefreshOutcome => {
    const result = settle({ ok: false, reason });
    const live = host.live();
    if (!isCurrent(live, ref)) return result;
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
    host.dispatch(refreshFailed({ ...ref, reason, retryAt }));
    return result;
  };

  /**
   * Reads what every tab stored, until `until`: the outcome that settles the
   * flight (a newer session adopted, the session ended elsewhere, storage
   * lagging or too slow), or `null` when nothing is newer and the call may go on.
   */
  async function fromStorage(
    shared: Tabs,
    until: number,
    onLag: RefreshFailureReason,
  ): Promise<RefreshOutcome | null> {
    const read = await waitUntil(shared.readNews(session), until, abort);
    if (read.kind === 'aborted') return SIGNED_OUT;
    // readNews never rejects.
    if (read.kind !== 'done') return superseded() ?? fail('timeout');
    const news = read.value;
    if (news.kind === 'same') return null;
    if (news.kind === 'lagging') return superseded() ?? fail(onLag);
    if (news.kind === 'newer') {
      host.apply({ kind: 'adopt', session: news.session });
      return { ok: true };
    }
    host.apply({ kind: 'end', ended: ref.sessionId });
    return SIGNED_OUT;
  }

  /** The attempt under the lock: its outcome, or `null` when that was settled earlier (at the timeout). */
  async function attempt(): Promise<RefreshOutcome | null> {
    // The timeout bounds the whole attempt, and with it how long the lock is held (plus the grace).
    const deadline = Date.now() + timeoutMs;
    const graceEnd = deadline + graceMs;
    if (tabs) {
      // Re-read what every tab sees: if another tab already rotated the tokens, use theirs and send nothing.
      const settledByStorage = await fromStorage(tabs, deadline, 'network');
      if (settledByStorage) return settledByStorage;
    }
    // An announcement may have moved the session on meanwhile: its token is then spent.
    const early = superseded();
    if (early) return early;
    const param: Omit<RefreshApiCallbackParam<U>, 'signal'> = { authUserState: session?.userState ?? null };
    // Secure mode: the refresh token is the server's cookie; one the app passed to signIn is not sent.
    if (session?.refreshToken && host.policy().refreshTokenInCookie !== true)
      param.refreshToken = session.refreshToken;
    // An access token past its expiry is never handed out, not even to the refresh call.
    if (session && !passed(session.expiresAt, Date.now())) param.authToken = session.token;
    const result = await callRefresh({
      callback,
      param,
      abort,
      deadline,
      graceMs,
      // Callers stop waiting at the timeout; the retry waits for the grace to end.
      onTimeout: () => {
        settle(superseded() ?? fail('timeout', graceEnd));
      },
    });
    // A result for a session that has ended or moved on must change nothing.
    const late = superseded();
    if (late) return late;
    if (result.kind === 'timed-out' || result.kind === 'abandoned') return null;
    if (result.kind === 'threw') {
      // After the timeout, the failure is counted already.
      if (result.late) return null;
      try {
        config.onRefreshError?.(result.error);
      } catch (hookError) {
        logger.error(LOG + 'onRefreshError threw', hookError);
      }
      return fail('network');
    }
    const parsed = parseRefreshResult<U>(result.value, {
      tokenType: session?.tokenType ?? 'Bearer',
      ref,
      intervalConfigured: config.intervalMs !== null,
      now: Date.now(),
    });
    if (parsed.kind === 'success') {
      const { expiresAt, receivedAt } = parsed.payload;
      if (passed(expiresAt, receivedAt)) {
        logger.warn(
          `${LOG}newAuthToken arrived already expired by this device's clock (no "iat"?): the next refresh waits 30 s.`,
        );
      }
      settle({ ok: true });
      host.dispatch(
        session ? refreshSucceeded(parsed.payload) : sessionRestored(restoredSession(parsed.payload)),
      );
      // The lock is let go only once storage and the marker hold the new tokens, where the next holder
      // looks: the announcement of the action above writes them (redux-persist would a tick later).
      if (tabs) await waitUntil(tabs.written(), Math.max(graceEnd, Date.now()), abort);
      return { ok: true };
    }
    if (parsed.kind === 'rejected') {
      // A token another tab already rotated is rejected as spent: adopt theirs rather than sign out.
      const adopted =
        tabs && (await fromStorage(tabs, Math.max(graceEnd, Date.now() + timeoutMs), 'rejected'));
      return adopted ?? fail('rejected');
    }
    logger.error(`${LOG}invalid refreshApiCallback result: ${parsed.problem} Session kept; retrying.`);
    return result.late ? null : fail('invalid-response');
  }

  return {
    ref,
    outcome,
    get settled() {
      return settled;
    },
    launch() {
      host.dispatch(refreshStarted(ref));
      const { locks } = tabs ?? {};
      // A holder lets go within its timeout and grace; one that does not (a frozen tab) loses the
      // lock after twice the timeout.
      const run = locks
        ? withLock({
            locks,
            name: refreshLockName(config.authName),
            stealAfterMs: timeoutMs * 2,
            task: attempt,
          })
        : attempt();
      return run.then(
        (result) => {
          if (result) settle(result);
        },
        (error: unknown) => {
          // Something threw while a result was applied (an app reducer, say), or a frozen-tab steal took
          // our lock: a transient failure, so the session is retried instead of stuck in 'refreshing'.
          if (!isAbortError(error)) logger.error(LOG + 'refresh failed unexpectedly', error);
          if (!settled) fail('network');
        },
      );
    },
    abandon(cause) {
      abort.abort(cause);
    },
  };
}
