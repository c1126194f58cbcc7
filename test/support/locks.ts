import type { LockManagerLike } from 'redux-auth-kit';

/** What a granted callback receives: the lock, or `null` for an `ifAvailable` request that found it taken. */
export interface HeldLock {
  name: string;
  mode: 'exclusive';
}

export interface LockRequestOptions {
  mode?: 'exclusive';
  signal?: AbortSignal;
  steal?: boolean;
  ifAvailable?: boolean;
}

interface Request {
  id: number;
  name: string;
  callback: (lock: HeldLock | null) => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  /** The request promise has settled: a stolen holder keeps running but is no longer heard. */
  settled: boolean;
  granted: boolean;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | null;
}

const abortError = (message: string): DOMException => new DOMException(message, 'AbortError');

/**
 * An in-process Web Locks `LockManager` (exclusive mode only) with the
 * browser's semantics, so several stores in one test share one lock:
 *
 * - one FIFO queue per name; a callback runs once its request is granted, a
 *   microtask after the grant (so a granted holder runs before any timer or
 *   channel message), and the lock is released when its promise settles;
 * - `signal` aborting a request that is still waiting rejects it with its
 *   abort reason (an `AbortError`) and removes it from the queue; once granted
 *   the signal is ignored;
 * - `steal: true` is granted at once: the holder's request promise rejects
 *   with an `AbortError`, its callback keeps running but no longer holds the
 *   lock, and its settling releases nothing;
 * - `ifAvailable: true` calls back with `null` at once when the name is held.
 *
 * `hold(name)` models a tab that froze while holding the lock: it queues like
 * any request and, once granted, never lets go unless stolen or released.
 */
export function createLockManager() {
  const queues = new Map<string, Request[]>();
  const holders = new Map<string, Request>();
  const stats = { requests: 0, grants: 0, steals: 0, aborted: 0, releases: 0 };
  /** Every name ever requested, in order of first request. */
  const names: string[] = [];
  let serial = 0;

  const queueOf = (name: string): Request[] => {
    let queue = queues.get(name);
    if (queue === undefined) {
      queue = [];
      queues.set(name, queue);
    }
    return queue;
  };

  function settle(
    request: Request,
    outcome: { ok: true; value: unknown } | { ok: false; error: unknown },
  ): void {
    if (request.settled) return;
    request.settled = true;
    if (outcome.ok) request.resolve(outcome.value);
    else request.reject(outcome.error);
  }

  function release(request: Request): void {
    if (holders.get(request.name) !== request) return;
    holders.delete(request.name);
    stats.releases += 1;
    pump(request.name);
  }

  function run(request: Request): void {
    queueMicrotask(() => {
      let result: unknown;
      try {
        result = request.callback({ name: request.name, mode: 'exclusive' });
      } catch (error) {
        release(request);
        settle(request, { ok: false, error });
        return;
      }
      Promise.resolve(result).then(
        (value) => {
          release(request);
          settle(request, { ok: true, value });
        },
        (error: unknown) => {
          release(request);
          settle(request, { ok: false, error });
        },
      );
    });
  }

  function grant(request: Request): void {
    request.granted = true;
    if (request.signal !== undefined && request.onAbort !== null) {
      request.signal.removeEventListener('abort', request.onAbort);
    }
    holders.set(request.name, request);
    stats.grants += 1;
    run(request);
  }

  function pump(name: string): void {
    if (holders.has(name)) return;
    const next = queueOf(name).shift();
    if (next !== undefined) grant(next);
  }

  function request<T>(
    name: string,
    options: LockRequestOptions,
    callback: (lock: HeldLock | null) => Promise<T> | T,
  ): Promise<T> {
    stats.requests += 1;
    if (!names.includes(name)) names.push(name);
    return new Promise<T>((resolve, reject) => {
      const { signal } = options;
      if (options.steal === true && (signal !== undefined || options.ifAvailable === true)) {
        reject(new DOMException('steal cannot be combined with signal or ifAvailable', 'NotSupportedError'));
        return;
      }
      if (signal?.aborted) {
        stats.aborted += 1;
        reject(signal.reason ?? abortError('The lock request was aborted.'));
        return;
      }
      const entry: Request = {
        id: ++serial,
        name,
        callback,
        resolve: resolve as (value: unknown) => void,
        reject,
        settled: false,
        granted: false,
        signal,
        onAbort: null,
      };
      if (options.steal === true) {
        const previous = holders.get(name);
        if (previous !== undefined) {
          holders.delete(name);
          stats.steals += 1;
          settle(previous, { ok: false, error: abortError('The lock was stolen.') });
        }
        grant(entry);
        return;
      }
      if (options.ifAvailable === true && (holders.has(name) || queueOf(name).length > 0)) {
        queueMicrotask(() => {
          Promise.resolve()
            .then(() => callback(null))
            .then(
              (value) => settle(entry, { ok: true, value }),
              (error: unknown) => settle(entry, { ok: false, error }),
            );
        });
        return;
      }
      if (signal !== undefined) {
        entry.onAbort = () => {
          if (entry.granted) return;
          const queue = queueOf(name);
          const at = queue.indexOf(entry);
          if (at >= 0) queue.splice(at, 1);
          stats.aborted += 1;
          settle(entry, { ok: false, error: signal.reason ?? abortError('The lock request was aborted.') });
        };
        signal.addEventListener('abort', entry.onAbort, { once: true });
      }
      queueOf(name).push(entry);
      pump(name);
    });
  }

  const manager: LockManagerLike = { request };

  return {
    /** Pass as `crossTab: { locks }`. */
    manager,
    request,
    stats,
    names,
    /** Whether `name` is held right now. */
    isHeld: (name: string): boolean => holders.has(name),
    /** How many requests wait for `name`. */
    waiting: (name: string): number => queueOf(name).length,
    /**
     * Takes `name` for a holder that never lets go (a frozen tab). `granted`
     * resolves once it holds the lock; `stolen` once another request stole it.
     */
    hold(name: string) {
      let release!: () => void;
      let granted!: () => void;
      const held = new Promise<void>((resolve) => (granted = resolve));
      const outcome = request(name, {}, () => {
        granted();
        return new Promise<void>((resolve) => (release = resolve));
      }).then(
        () => 'released' as const,
        () => 'stolen' as const,
      );
      return { granted: held, outcome, release: () => release?.() };
    },
  };
}

export type TestLockManager = ReturnType<typeof createLockManager>;
