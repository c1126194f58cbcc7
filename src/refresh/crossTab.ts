import Cookies from 'js-cookie';
import type { AuthStorage } from '../persist/storage';
import { decodeStoredSession, encodeStoredSession } from '../persist/format';
import { parseStoredSession } from '../persist/validate';
import type { SessionRef } from '../slice';
import type { AuthSession } from '../types';

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
  return {
    read: () => Cookies.get(name) ?? null,
    write: (value) => {
      // Both the lock holder and its announcement mark the same generation: write it once.
      if ((Cookies.get(name) ?? null) === value) return;
      if (value === null) Cookies.remove(name);
      else Cookies.set(name, value, { sameSite: 'Lax' });
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

const markerOf = (session: AuthSession): string => `${session.id}.${session.generation}`;

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

/** What another tab announced, validated. */
export interface SyncNews {
  session: AuthSession | null;
  ended?: string;
}

function browserLocks(): LockManagerLike | null {
  const nav = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator;
  return nav?.locks ?? null;
}

function browserChannel(name: string): ChannelLike | null {
  if (typeof window === 'undefined' || typeof BroadcastChannel === 'undefined') return null;
  return new BroadcastChannel(name) as unknown as ChannelLike;
}

const POLL_MS = 25;
const POLL_LIMIT_MS = 1_000;

/**
 * One tab's side of the coordination: the refresh lock, reading what every tab
 * wrote, and the channel. Created per store; `close()` releases the channel.
 */
export function createCoordinator(authName: string, storage: AuthStorage, options: CrossTabOptions) {
  const locks = options.locks === undefined ? browserLocks() : options.locks;
  const channel =
    options.channel === undefined ? browserChannel(authName) : (options.channel?.(authName) ?? null);
  const marker = options.marker ?? null;
  const lockName = refreshLockName(authName);

  async function storedSession(): Promise<AuthSession | null> {
    try {
      return decodeStoredSession(await storage.getItem(authName));
    } catch {
      return null;
    }
  }

  // Sessions known to have reached storage: once one has, finding storage empty means it ended.
  // (Storage that never took the session, full or disabled, says nothing either way.)
  const known = new Set<string>();
  let pendingWrite: Promise<unknown> = Promise.resolve();

  async function write(session: AuthSession | null): Promise<boolean> {
    try {
      if (session === null) await storage.removeItem(authName);
      else await storage.setItem(authName, encodeStoredSession(session));
      if (session !== null) known.add(session.id);
      return true;
    } catch {
      return false;
    }
  }

  const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

  async function exclusive<T>(task: () => Promise<T>, waitMs: number): Promise<T> {
    if (locks === null) return task();
    const waiting = new AbortController();
    const timer = setTimeout(() => waiting.abort(), waitMs);
    let granted = false;
    const run = (): Promise<T> => {
      granted = true;
      clearTimeout(timer);
      return task();
    };
    try {
      return await locks.request(lockName, { mode: 'exclusive', signal: waiting.signal }, run);
    } catch (error) {
      // A lock that was ours and got stolen, or any other failure, is not a reason to steal.
      if (granted || !waiting.signal.aborted) throw error;
      // Only one waiter steals from a frozen holder; the rest queue behind it again.
      return locks.request(`${lockName}:steal`, { ifAvailable: true }, (lock) =>
        lock === null
          ? exclusive(task, waitMs)
          : locks.request(lockName, { mode: 'exclusive', steal: true }, run),
      );
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    /** Whether there is anyone to coordinate with: a lock, a channel or a marker. */
    coordinates: locks !== null || channel !== null || marker !== null,
    /** Whether refreshes are serialized between tabs (Web Locks are there). */
    hasLocks: locks !== null,

    /**
     * Runs `task` holding the refresh lock. A holder that does not let go
     * within `waitMs` (a frozen tab) has the lock stolen from it, by one waiter.
     */
    exclusive,

    /**
     * What storage says about `ref`'s session: a newer generation of it or a
     * later sign-in (to adopt), `'ended'` when it was signed out elsewhere,
     * `'lagging'` when the marker says storage has not caught up, else `null`.
     */
    async newerThan(ref: SessionRef, startedAt: number): Promise<AuthSession | null | 'lagging' | 'ended'> {
      await pendingWrite;
      const expected = marker?.read() ?? null;
      // Storage (or this tab) has caught up with the marker when it holds that session at that
      // generation or later; a marker at or behind this tab's own generation has nothing to wait for.
      const dot = expected?.lastIndexOf('.') ?? -1;
      const markedId = expected?.slice(0, dot);
      const markedGeneration = Number(expected?.slice(dot + 1));
      const reaches = (id: string, generation: number): boolean =>
        id === markedId && generation >= markedGeneration;
      for (let waited = 0; ; waited += POLL_MS) {
        const stored = await storedSession();
        const caughtUp =
          expected === null ||
          dot < 0 ||
          reaches(ref.sessionId, ref.generation) ||
          (stored !== null && reaches(stored.id, stored.generation));
        if (caughtUp) {
          if (stored === null) return known.has(ref.sessionId) ? 'ended' : null;
          known.add(stored.id);
          const newer =
            stored.id === ref.sessionId ? stored.generation > ref.generation : stored.startedAt > startedAt;
          return newer ? stored : null;
        }
        if (waited >= POLL_LIMIT_MS) return 'lagging';
        await delay(POLL_MS);
      }
    },

    /**
     * Puts `session` where the next lock holder looks before the lock is
     * released: in storage now (redux-persist would write it a tick later),
     * and in the marker every tab reads at once.
     */
    async publish(session: AuthSession): Promise<void> {
      // The marker promises the next holder that storage has this generation: only after it does.
      if (await write(session)) marker?.write(markerOf(session));
    },

    /** Records a session read from storage at startup: finding storage empty later means it ended. */
    noteStored(id: string): void {
      known.add(id);
    },

    /**
     * Tells the other tabs which session is now in force (`null`: `ended` was
     * signed out). Storage is updated first, so a tab that takes the lock before
     * the message arrives still reads the change.
     */
    announce(session: AuthSession | null, ended?: string): void {
      pendingWrite = write(session).then((stored) => {
        if (stored || session === null) marker?.write(session === null ? null : markerOf(session));
        const message: SyncMessage = { kind: SYNC_KIND, session, stored };
        if (ended !== undefined) message.ended = ended;
        try {
          channel?.postMessage(message);
        } catch {
          // Closed by a teardown that came first: nothing left to tell.
        }
      });
    },

    /** Calls `onNews` with every validated announcement from another tab. */
    subscribe(onNews: (news: SyncNews) => void): () => void {
      if (channel === null) return () => {};
      const listener = (event: { data: unknown }): void => {
        const data = event.data as Partial<SyncMessage> | null;
        if (data === null || typeof data !== 'object' || data.kind !== SYNC_KIND) return;
        if (data.session === null) {
          return onNews(
            typeof data.ended === 'string' ? { session: null, ended: data.ended } : { session: null },
          );
        }
        const session = parseStoredSession(data.session);
        if (session === null) return;
        if (data.stored === true) known.add(session.id);
        onNews({ session });
      };
      channel.addEventListener('message', listener);
      return () => channel.removeEventListener('message', listener);
    },

    /** Closes the channel once a pending announcement has gone out. */
    close(): void {
      void pendingWrite.then(() => channel?.close());
    },
  };
}

export type Coordinator = ReturnType<typeof createCoordinator>;
