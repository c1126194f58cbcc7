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
    options: { mode?: 'exclusive'; signal?: AbortSignal; steal?: boolean },
    callback: () => Promise<T>,
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
  const prefix = `${encodeURIComponent(name)}=`;
  return {
    read() {
      if (typeof document === 'undefined') return null;
      const hit = document.cookie.split('; ').find((part) => part.startsWith(prefix));
      return hit === undefined ? null : decodeURIComponent(hit.slice(prefix.length));
    },
    write(value) {
      if (typeof document === 'undefined') return;
      const tail = '; Path=/; SameSite=Lax';
      document.cookie =
        value === null ? `${prefix}${tail}; Max-Age=0` : `${prefix}${encodeURIComponent(value)}${tail}`;
    },
  };
}

const markerOf = (session: AuthSession): string => `${session.id}.${session.generation}`;

/** What a tab announces: the session now in force, or `null` after sign-out. */
interface SyncMessage {
  kind: 'redux-auth-kit/session';
  session: AuthSession | null;
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
  const lockName = `redux-auth-kit:${authName}`;

  async function storedSession(): Promise<AuthSession | null> {
    try {
      return decodeStoredSession(await storage.getItem(authName));
    } catch {
      return null;
    }
  }

  const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

  return {
    /** Whether there is anyone to coordinate with: a lock, a channel or a marker. */
    coordinates: locks !== null || channel !== null || marker !== null,

    /**
     * Runs `task` holding the refresh lock. A holder that does not let go
     * within `waitMs` (a frozen tab) has the lock stolen from it.
     */
    async exclusive<T>(task: () => Promise<T>, waitMs: number): Promise<T> {
      if (locks === null) return task();
      const waiting = new AbortController();
      const timer = setTimeout(() => waiting.abort(), waitMs);
      const run = (): Promise<T> => {
        clearTimeout(timer);
        return task();
      };
      try {
        return await locks.request(lockName, { mode: 'exclusive', signal: waiting.signal }, run);
      } catch (error) {
        if (!waiting.signal.aborted) throw error;
        return locks.request(lockName, { mode: 'exclusive', steal: true }, run);
      } finally {
        clearTimeout(timer);
      }
    },

    /**
     * The stored session when another tab has moved `ref`'s session on to a
     * newer generation, else `null`. If the marker says storage is behind,
     * waits briefly for it; `'lagging'` means it never caught up.
     */
    async newerThan(ref: SessionRef): Promise<AuthSession | null | 'lagging'> {
      const expected = marker?.read() ?? null;
      for (let waited = 0; ; waited += POLL_MS) {
        const stored = await storedSession();
        const caughtUp = expected === null || (stored !== null && markerOf(stored) === expected);
        if (caughtUp) {
          const newer = stored !== null && stored.id === ref.sessionId && stored.generation > ref.generation;
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
      await storage.setItem(authName, encodeStoredSession(session));
      marker?.write(markerOf(session));
    },

    /** Tells the other tabs which session is now in force (`null`: signed out). */
    announce(session: AuthSession | null): void {
      marker?.write(session === null ? null : markerOf(session));
      const message: SyncMessage = { kind: 'redux-auth-kit/session', session };
      channel?.postMessage(message);
    },

    /** Calls `onSession` with every validated session (or `null`) another tab announces. */
    subscribe(onSession: (session: AuthSession | null) => void): () => void {
      if (channel === null) return () => {};
      const listener = (event: { data: unknown }): void => {
        const data = event.data as Partial<SyncMessage> | null;
        if (data === null || typeof data !== 'object' || data.kind !== 'redux-auth-kit/session') return;
        if (data.session === null) return onSession(null);
        const session = parseStoredSession(data.session);
        if (session !== null) onSession(session);
      };
      channel.addEventListener('message', listener);
      return () => channel.removeEventListener('message', listener);
    },

    close(): void {
      channel?.close();
    },
  };
}

export type Coordinator = ReturnType<typeof createCoordinator>;
