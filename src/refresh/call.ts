import { RefreshAbortError, type RefreshAbortCause } from './abort';
import { MAX_TIMER_DELAY } from './schedule';
import type { RefreshApiCallback, RefreshApiCallbackParam } from './types';

/** The abort of one refresh flight: its `signal` goes to the callback, and every wait of the flight ends with it. */
export interface FlightAbort {
  readonly signal: AbortSignal;
  /** Why it was aborted, or `null` while it is not. */
  readonly cause: RefreshAbortCause | null;
  /** Aborts once; later causes are ignored. */
  abort(cause: RefreshAbortCause): void;
  /** Settles with the cause when aborted (never rejects). */
  readonly aborted: Promise<RefreshAbortCause>;
}

export function createFlightAbort(): FlightAbort {
  const controller = new AbortController();
  let cause: RefreshAbortCause | null = null;
  let settle!: (cause: RefreshAbortCause) => void;
  const aborted = new Promise<RefreshAbortCause>((resolve) => (settle = resolve));
  return {
    signal: controller.signal,
    get cause() {
      return cause;
    },
    abort(why) {
      if (cause !== null) return;
      cause = why;
      settle(why);
      // Our own reason: hosts without DOMException (Hermes) must not throw here, or the flight never settles.
      controller.abort(new RefreshAbortError(why));
    },
    aborted,
  };
}

/** How a wait ended. */
export type Waited<T> =
  | { kind: 'done'; value: T }
  | { kind: 'failed'; error: unknown }
  | { kind: 'timeout' }
  | { kind: 'aborted'; cause: RefreshAbortCause };

/** Waits for `promise` until the moment `until` (epoch ms) or the abort, whichever comes first. Never rejects. */
export function waitUntil<T>(promise: PromiseLike<T>, until: number, abort: FlightAbort): Promise<Waited<T>> {
  return new Promise((resolve) => {
    const timer = setTimeout(
      () => resolve({ kind: 'timeout' }),
      Math.min(Math.max(0, until - Date.now()), MAX_TIMER_DELAY),
    );
    const done = (waited: Waited<T>): void => {
      clearTimeout(timer);
      resolve(waited);
    };
    promise.then(
      (value) => done({ kind: 'done', value }),
      (error: unknown) => done({ kind: 'failed', error }),
    );
    void abort.aborted.then((cause) => done({ kind: 'aborted', cause }));
  });
}

/** What {@link callRefresh} needs. */
export interface CallInput<U> {
  callback: RefreshApiCallback<U>;
  /** What the callback receives, but its `signal` (the flight's). */
  param: Omit<RefreshApiCallbackParam<U>, 'signal'>;
  abort: FlightAbort;
  /** When the call counts as timed out (epoch ms): its callers stop waiting then. */
  deadline: number;
  /** How much longer the call keeps its signal after the deadline, for an answer already on its way. */
  graceMs: number;
  /** Called at the deadline when no answer came: the flight reports the timeout while the call goes on. */
  onTimeout: () => void;
}

/** How a refresh call ended. `late`: the answer came after the deadline, within the grace. */
export type CallResult =
  | { kind: 'answered'; value: unknown; late: boolean }
  | { kind: 'threw'; error: unknown; late: boolean }
  /** No answer by the end of the grace: the signal was aborted then. */
  | { kind: 'timed-out' }
  /** The flight was abandoned (sign-out, teardown): the signal was aborted. */
  | { kind: 'abandoned' };

/**
 * Calls the app's `refreshApiCallback` once. At the deadline its callers stop
 * waiting (`onTimeout`), but the request may already have reached the server,
 * which then rotated the refresh token and whose answer holds the only live
 * one: so the signal stays live for the grace, and only then is aborted. A
 * callback that throws at once fails like one that rejects.
 */
export async function callRefresh<U>(input: CallInput<U>): Promise<CallResult> {
  const { callback, param, abort, deadline, graceMs, onTimeout } = input;
  const answer = new Promise<unknown>((resolve) => resolve(callback({ ...param, signal: abort.signal })));
  let late = false;
  let waited = await waitUntil(answer, deadline, abort);
  if (waited.kind === 'timeout') {
    onTimeout();
    late = true;
    waited = await waitUntil(answer, deadline + graceMs, abort);
  }
  switch (waited.kind) {
    case 'done':
      return { kind: 'answered', value: waited.value, late };
    case 'failed':
      return { kind: 'threw', error: waited.error, late };
    case 'timeout':
      abort.abort('timeout');
      return { kind: 'timed-out' };
    case 'aborted':
      return { kind: 'abandoned' };
  }
}
