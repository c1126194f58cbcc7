import { refOf } from '../session';
import { tokenExpired } from '../slice';
import type { RefreshConfig } from './config';
import { retriesAtOnce } from './decide';
import type { RefreshEngine } from './engine';
import { dueSteps, MAX_TIMER_DELAY, nextWakeAt } from './schedule';
import type { WakeReason } from './wake';

/** While a past state is shown (Redux DevTools), how often the scheduler looks whether the present is back. */
export const PAST_STATE_POLL_MS = 1_000;

/** When things are due for the live session, and the wake-ups that catch a machine that slept. */
export interface Scheduler {
  /**
   * Does what is due now for the live session and returns how long to wait
   * before looking again: `null` when nothing is due until the next auth action
   * (or when this call dispatched one: its own turn reschedules).
   */
  due(): number | null;
  /** The page may have slept or come back online: look at the clock now. */
  wake(reason: WakeReason): void;
  /** Stops the wall-clock check and the wake-ups for good: nothing is due afterwards. */
  dispose(): void;
}

/** Whether the page says it is hidden: a hidden page needs no wall-clock check (it gets `visibilitychange` back). */
const pageHidden = (): boolean => typeof document !== 'undefined' && document.visibilityState === 'hidden';

/** The part of the config the scheduler reads. */
type SchedulerConfig = Pick<RefreshConfig, 'marginMs' | 'wallClockMs' | 'wake' | 'random'>;

/** Creates the scheduler for `engine`. */
export function createScheduler(engine: RefreshEngine, config: SchedulerConfig): Scheduler {
  let clock: ReturnType<typeof setInterval> | undefined;
  let unsubscribe: (() => void) | undefined;
  /** Something is due for the live session: wake-ups and the wall-clock check run. */
  let tracking = false;
  /** How much earlier than due this tab acts (ms); non-zero only for tabs without Web Locks. */
  let lead: number | null = null;
  let disposed = false;

  // Without Web Locks nothing serializes the tabs, and tabs sharing a session would all come due
  // at the same instant: each tab acts up to 2 s early, by its own random amount, so the first
  // one's result (announced, and in storage) usually reaches the others before their turn.
  const leadMs = (): number =>
    (lead ??=
      engine.tabs && !engine.tabs.locks
        ? Math.floor(config.random() * Math.min(2_000, config.marginMs / 4))
        : 0);

  function track(on: boolean): void {
    tracking = on;
    if (on) {
      clock ??= config.wallClockMs > 0 ? setInterval(tick, config.wallClockMs) : undefined;
      unsubscribe ??= config.wake?.(wake);
      return;
    }
    clearInterval(clock);
    clock = undefined;
    unsubscribe?.();
    unsubscribe = undefined;
  }

  function tick(): void {
    if (pageHidden()) return;
    // A Redux DevTools history edit reaches no middleware: the check is where the library sees one.
    engine.followEdits();
    wake('clock');
  }

  function due(): number | null {
    if (disposed) return null;
    const live = engine.live();
    const policy = engine.policy();
    const at = nextWakeAt(live, policy);
    if (at === null) {
      track(false);
      return null;
    }
    track(true);
    const lead = leadMs();
    const wait = at - lead - Date.now();
    // Waits longer than a timer can take are taken in steps.
    if (wait > 0) return Math.min(wait, MAX_TIMER_DELAY);
    const { session } = live;
    let dispatched = false;
    for (const step of dueSteps(live, policy, Date.now() + lead)) {
      if (step === 'refresh') {
        // Starts (refreshStarted), joins a call in flight or waits behind one: each ends in an auth action.
        if (engine.shownIsLive()) {
          void engine.refresh();
          return null;
        }
        // A past state is shown: nothing is sent until the present is back.
        return dispatched ? null : PAST_STATE_POLL_MS;
      }
      // Ending and expiring concern a session; only a restore (secure mode) is due without one.
      if (session === null) continue;
      if (step === 'end') {
        engine.endSession(session);
        return null;
      }
      engine.dispatch(tokenExpired(refOf(session)));
      dispatched = true;
    }
    return null;
  }

  function wake(reason: WakeReason): void {
    if (!tracking) return;
    // Back online after a transient failure: retry at once rather than wait out the backoff.
    if (retriesAtOnce(reason, engine.live())) {
      void engine.refresh();
      return;
    }
    due();
  }

  function dispose(): void {
    disposed = true;
    track(false);
  }

  return { due, wake, dispose };
}
