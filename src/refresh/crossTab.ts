import type { UnknownAction } from '@reduxjs/toolkit';
import Cookies from 'js-cookie';
import {
  refreshFailed,
  refreshSucceeded,
  sessionRestored,
  signIn,
  signOut,
  type SessionRef,
  type SessionSyncedPayload,
} from '../slice';
import { decodeStoredSession, encodeStoredSession } from '../persist/format';
import { parseStoredSession } from '../persist/validate';
import type { AuthStorage } from '../persist/storage';
import { isNewerSession } from '../session';
import type { AuthSession, AuthState } from '../types';

/**
 * The part of the Web Locks API (`navigator.locks`) the refresh needs.
 * Inject one in tests or hosts without it.
 */
export interface LockManagerLike {
  request<T>(
    name: string,
    options: { mode?: 'exclusive'; signal?: AbortSignal; steal?: boolean; ifAvailable?: boolean },
    callback: (lock: unknown) => Promise<T>,
  ): Promise<T>;
}

/** The part of `BroadcastChannel` the sync needs. */
export interface ChannelLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  removeEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  close(): void;
}

/**
 * A tiny non-secret value every tab reads consistently at once (a cookie),
 * naming the newest session generation. localStorage alone can hand the next
 * lock holder a value from before the previous holder's write.
 */
export interface GenerationMarker {
  read(): string | null;
  write(value: string | null): void;
}

/**
 * How tabs sharing storage coordinate. Each part is optional; by default the
 * browser's `navigator.locks` and `BroadcastChannel` are used where they exist.
 * `null` turns a part off.
 */
export interface CrossTabOptions {
  /** Exclusive lock around every refresh. Default `navigator.locks` when present. */
  locks?: LockManagerLike | null;
  /** Opens the channel that announces sign-in, refresh and sign-out. Default `BroadcastChannel` in a browser. */
  channel?: ((name: string) => ChannelLike) | null;
  /** A consistent generation marker beside a storage that lags between tabs. Default none. */
  marker?: GenerationMarker | null;
}

/** A cookie that names the newest `sessionId.generation` (no token); readable by every tab at once. */
export function createCookieMarker(name: string): GenerationMarker {
  // js-cookie reads nothing and writes nothing without a `document` (on a server); its default Path is `/`.
  const read = (): string | null => Cookies.get(name) ?? null;
  return {
    read,
    write: (value) => {
      // Only a change is written: the same generation announced again leaves the cookie alone.
      if (read() !== value) {
        if (value === null) Cookies.remove(name);
        else Cookies.set(name, value, { sameSite: 'Lax' });
      }
    },
  };
}

/**
 * The Web Lock every tab takes around a refresh of the session stored under
 * `authName`. Hold it yourself to do something no refresh may interleave with
 * (moving the session to another storage, say).
 */
export const refreshLockName = (authName: string): string => `redux-auth-kit:${authName}`;

/** The cookie that holds the generation marker beside localStorage storage. */
export const markerCookieName = (authName: string): string => `${authName}.gen`;

/**
 * Runs `task` holding the exclusive lock `name` (exclusive is the Web Locks
 * default mode). A holder that does not let go within `waitMs` (a frozen tab)
 * has the lock stolen from it, by one waiter.
 */
export async function withLock<T>(
  locks: LockManagerLike,
  name: string,
  waitMs: number,
  task: () => Promise<T>,
): Promise<T> {
  const waiting = new AbortController();
  const timer = setTimeout(() => waiting.abort(), waitMs);
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
      lock ? locks.request(name, { steal: true }, run) : withLock(locks, name, waitMs, task),
    );
  } finally {
    clearTimeout(timer);
  }
}

const SYNC_KIND = 'redux-auth-kit/session';

/** What a tab announces: the session now in force, or `null` after sign-out. */
interface SyncMessage {
  kind: typeof SYNC_KIND;
  session: AuthSession | null;
  /** With `session: null`: which session ended. */
  ended?: string;
  /** Whether the announcing tab managed to write it to storage. */
  stored: boolean;
}

/** Another tab's news, dispatched as `sessionSynced` (the engine stamps it). */
export type Sync = (news: Omit<SessionSyncedPayload, 'now'>) => unknown;

// What this tab did itself and other tabs must follow; adopted news (sessionSynced) is not re-announced.
const announces = (action: UnknownAction): boolean =>
  signIn.match(action) ||
  refreshSucceeded.match(action) ||
  signOut.match(action) ||
  (refreshFailed.match(action) && action.payload.reason === 'rejected');

/**
 * One tab's side of the coordination between tabs sharing `storage`: the
 * refresh lock's manager, reading what every tab wrote (with the marker wait),
 * announcing this tab's session and adopting the others'. `null` for a tab on
 * its own (no storage, `crossTab: false`, or neither a lock, a channel nor a marker).
 */
export function createTabs(
  authName: string,
  storage: AuthStorage | undefined,
  crossTab: CrossTabOptions | false = {},
  auth: () => AuthState,
  sync: Sync,
) {
  if (!storage || !crossTab) return null;
  const {
    locks = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks,
    // localStorage can lag between tabs: unless told otherwise, a marker cookie makes the next
    // lock holder wait for it.
    marker = storage.lagsBetweenTabs && typeof document !== 'undefined'
      ? createCookieMarker(markerCookieName(authName))
      : null,
    channel: open = typeof window === 'undefined' || typeof BroadcastChannel === 'undefined'
      ? null
      : (name: string): ChannelLike => new BroadcastChannel(name),
  } = crossTab;
  const channel = open?.(authName);
  if (!(locks || channel || marker)) return null;

  // Sessions known to have reached storage: once one has, finding storage empty means it ended.
  // (Storage that never took the session, full or disabled, says nothing either way.)
  const known = new Set<string>();
  // Sessions that ended in this tab, and since when it has been signed out: a late announcement
  // from another tab must not revive a session that ended before this tab could see it end.
  const ended = new Set<string>();
  let signedOutSince = Date.now();
  let lastEnded: string | undefined;
  let endedAnnounced: string | undefined;
  /** This tab's latest announcement: its storage write, the marker and the message. */
  let pendingWrite: Promise<unknown> = Promise.resolve();
  let closed = false;

  // Every validated announcement from another tab.
  channel?.addEventListener('message', ({ data }) => {
    const message = data as Partial<SyncMessage> | null;
    if (closed || message?.kind !== SYNC_KIND) return;
    if (message.session === null) {
      // `ended` goes on as sent: one that names no session (malformed) ends nothing.
      return void sync({ session: null, ...('ended' in message && { ended: message.ended as string }) });
    }
    const session = parseStoredSession(message.session);
    if (!session) return;
    if (message.stored === true) known.add(session.id);
    if (!ended.has(session.id) && (auth().session || session.startedAt >= signedOutSince)) {
      sync({ session });
    }
  });

  /**
   * Tells the other tabs the session this tab now has (after a sign-in, refresh
   * or sign-out here). Storage is updated first, so a tab that takes the lock
   * before the message arrives still reads the change.
   */
  function announce(session: AuthSession | null): void {
    // A sign-out that changed nothing here tells the other tabs nothing.
    if (!session && lastEnded === endedAnnounced) return;
    const message: SyncMessage = { kind: SYNC_KIND, session, stored: false };
    if (!session) message.ended = endedAnnounced = lastEnded!;
    pendingWrite = (async () => {
      try {
        await (session
          ? storage!.setItem(authName, encodeStoredSession(session))
          : storage!.removeItem(authName));
        if (session) known.add(session.id);
        message.stored = true;
      } catch {
        // Storage full or disabled: the other tabs still hear of it.
      }
      // The marker promises the next lock holder that storage has this generation: only after it does.
      if (message.stored || !session) marker?.write(session && `${session.id}.${session.generation}`);
      try {
        channel?.postMessage(message);
      } catch {
        // Closed by a teardown that came first: nothing left to tell.
      }
    })();
  }

  return {
    locks,

    /** This tab's latest announcement, done: storage and the marker hold what it announced. */
    written: (): Promise<unknown> => pendingWrite,

    /**
     * What storage says about `current` (this tab's session): a newer generation
     * of it or a later sign-in (to adopt), `'ended'` when it was signed out
     * elsewhere, `'lagging'` when the marker says storage has not caught up, else `null`.
     */
    async newer(current: AuthSession): Promise<AuthSession | 'ended' | 'lagging' | null> {
      await pendingWrite;
      const expected = marker?.read();
      const dot = expected?.lastIndexOf('.') ?? -1;
      // Storage (or this tab) has caught up with the marker when it holds that session at that
      // generation or later; a marker at or behind this tab's own generation has nothing to wait for.
      const reaches = (session: AuthSession | null): boolean =>
        dot < 0 ||
        (session?.id === expected!.slice(0, dot) && session.generation >= +expected!.slice(dot + 1));
      // Storage is read every 25 ms, for up to a second.
      for (let waited = 0; ; waited += 25) {
        let stored: AuthSession | null = null;
        try {
          stored = decodeStoredSession(await storage.getItem(authName));
        } catch {
          // Unreadable storage holds nothing.
        }
        if (reaches(current) || reaches(stored)) {
          if (!stored) return known.has(current.id) ? 'ended' : null;
          known.add(stored.id);
          return isNewerSession(stored, current) ? stored : null;
        }
        if (waited >= 1_000) return 'lagging';
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },

    /**
     * Follows an auth action, given what the previous one left (`null`: signed
     * out; undefined before any): records a session that ended here (and since
     * when this tab is signed out), a session read back from storage, and
     * announces what this tab did itself.
     */
    seen(action: UnknownAction, before: SessionRef | null | undefined): void {
      const { session } = auth();
      if (before && before.sessionId !== session?.id) ended.add((lastEnded = before.sessionId));
      if (!session && before !== null) signedOutSince = Date.now();
      // A session read from storage at startup: if storage is empty later, it ended.
      if (session && sessionRestored.match(action)) known.add(session.id);
      if (announces(action)) announce(session);
    },

    /** Stops listening; the channel closes once a pending announcement has gone out. */
    close(): void {
      closed = true;
      void pendingWrite.then(() => channel?.close());
    },
  };
}

export type Tabs = NonNullable<ReturnType<typeof createTabs>>;
