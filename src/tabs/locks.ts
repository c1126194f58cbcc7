import type { LockManagerLike } from './options';

/**
 * The Web Lock every tab takes around a refresh of the session stored under
 * `authName`. Hold it yourself to do something no refresh may interleave with
 * (moving the session to another storage, say).
 */
export const refreshLockName = (authName: string): string => `redux-auth-kit:${authName}`;

/** The host's Web Locks (`navigator.locks`), or `null` where there are none (insecure pages, Node, React Native). */
export function hostLocks(): LockManagerLike | null {
  const host = globalThis as { navigator?: { locks?: LockManagerLike } };
  return host.navigator?.locks ?? null;
}

/** What {@link withLock} needs. */
export interface LockRequest<T> {
  locks: LockManagerLike;
  name: string;
  /** How long to wait for a holder before stealing the lock from it (a frozen tab). */
  stealAfterMs: number;
  task: () => Promise<T>;
}

/**
 * Runs `task` holding the exclusive lock `name` (exclusive is the Web Locks
 * default mode). A holder that does not let go within `stealAfterMs` (a frozen
 * tab) has the lock stolen from it, by one waiter.
 */
export async function withLock<T>(request: LockRequest<T>): Promise<T> {
  const { locks, name, stealAfterMs, task } = request;
  const waiting = new AbortController();
  const timer = setTimeout(() => waiting.abort(), stealAfterMs);
  let granted = false;
  const run = (): Promise<T> => {
    granted = true;
    clearTimeout(timer);
    return task();
  };
  try {
    return await locks.request(name, { signal: waiting.signal }, run);
  } catch (error) {
    // A lock that was ours and got stolen, or any other failure, is not a reason to steal.
    if (granted || !waiting.signal.aborted) throw error;
    // Only one waiter steals from a frozen holder; the rest queue behind it again.
    return locks.request(`${name}:steal`, { ifAvailable: true }, (lock) =>
      lock ? locks.request(name, { steal: true }, run) : withLock(request),
    );
  } finally {
    clearTimeout(timer);
  }
}
