import type { UnknownAction } from '@reduxjs/toolkit';
import { decodeStoredSession, encodeStoredSession } from '../persist/format';
import type { AuthStorage } from '../persist/storage';
import {
  judgeMessage,
  storageNews,
  type CanRefreshPolicy,
  type MessageVerdict,
  type StorageNews,
} from '../refresh/decide';
import { isNewerSession } from '../session';
import { refreshFailed, refreshSucceeded, sessionRestored, sessionSynced, signIn, signOut } from '../slice';
import type { AuthSession, AuthState } from '../types';
import { hostLocks } from './locks';
import { createCookieMarker, markerCookieName, markerFor, parseMarker } from './marker';
import { ASK_MESSAGE, parseMessage, wireMessage, type TabMessage } from './messages';
import type { ChannelLike, CrossTabOptions, LockManagerLike } from './options';

/** How often storage is read again while it lags behind the marker, and for how long at most. */
const MARKER_POLL_MS = 25;
const MARKER_WAIT_MS = 1_000;
/** How long a tab in secure mode waits for the other tabs to answer before it calls the server. */
export const ASK_WAIT_MS = 250;

/** Another tab's news this tab accepted, to be dispatched as `sessionSynced`. */
export type TabNews = { kind: 'adopt'; session: AuthSession } | { kind: 'end'; ended: string };

/** What {@link createTabs} needs. */
export interface TabsInput {
  authName: string;
  storage: AuthStorage;
  crossTab: CrossTabOptions;
  /** Whether sessions can be refreshed here: a session over by itself is never adopted. */
  policy: CanRefreshPolicy;
  /** This tab's live auth state. */
  live: () => AuthState;
  /** Another tab's accepted news. */
  onNews: (news: TabNews) => void;
}

/** One auth action this tab followed: the session before and after it. */
export interface FollowedAction {
  action: UnknownAction;
  before: AuthSession | null;
  after: AuthSession | null;
}

/** One tab's side of the coordination between tabs sharing storage. */
export interface Tabs {
  /** The lock manager every refresh runs under, or `null` where there are no Web Locks. */
  readonly locks: LockManagerLike | null;
  /**
   * What storage says about `current` (this tab's session), read after this
   * tab's own pending write and once storage has caught up with the marker
   * (for up to a second; a marker that never is reached is stale and, from
   * then on, holds nothing back). In secure mode, where storage holds no
   * tokens, the other tabs are asked instead (`current` is `null` for a restore).
   */
  readNews(current: AuthSession | null): Promise<StorageNews>;
  /** Records what an auth action changed, and announces what this tab did itself. */
  follow(step: FollowedAction): void;
  /** This tab's latest announcement is done: storage and the marker hold what it announced. */
  written(): Promise<void>;
  /** Stops listening; the channel closes once a pending announcement has gone out. */
  close(): void;
}

// What this tab did itself and other tabs must follow; adopted news (sessionSynced) is not re-announced.
const announces = (action: UnknownAction): boolean =>
  signIn.match(action) ||
  refreshSucceeded.match(action) ||
  // A session a restoring refresh started (secure mode): a new one, like a sign-in.
  (sessionRestored.match(action) && action.payload.refreshed === true) ||
  signOut.match(action) ||
  (refreshFailed.match(action) && action.payload.reason === 'rejected');

/**
 * The coordination between tabs sharing `storage`: the refresh lock's manager,
 * reading what every tab wrote (with the marker wait), announcing this tab's
 * session and adopting the others'. `null` for a tab on its own (neither a
 * lock, a channel nor a marker).
 */
export function createTabs({ authName, storage, crossTab, policy, live, onNews }: TabsInput): Tabs | null {
  // Each part defaults only when it is not given (`null` turns it off).
  const {
    locks = hostLocks(),
    // Pages only: a server process has no other tabs (and an open channel would keep it alive).
    channel: open = typeof window !== 'undefined' && typeof BroadcastChannel !== 'undefined'
      ? (name: string): ChannelLike => new BroadcastChannel(name)
      : null,
    // localStorage can lag between tabs: a marker cookie makes the next holder wait for it.
    marker = storage.lagsBetweenTabs
      ? (storage.marker ??
        (typeof document === 'undefined' ? null : createCookieMarker(markerCookieName(authName))))
      : null,
  } = crossTab;
  const channel = open?.(authName) ?? null;
  if (!(locks || channel || marker)) return null;

  // Sessions known to have reached storage: once one has, finding storage empty means it ended.
  // (Storage that refused the session, full or disabled, says nothing either way.)
  const known = new Set<string>();
  // Sessions that ended in this tab, and since when it has been signed out: a late announcement
  // from another tab must not revive a session that ended before this tab could see it end.
  const ended = new Set<string>();
  let signedOutSince = Date.now();
  let followedAny = false;
  /** The latest session that ended here, and the id of the latest sign-out announced. */
  let lastEnded: AuthSession | null = null;
  let endedAnnounced: string | null = null;
  /** A marker value storage never caught up with: it no longer holds refreshes back. */
  let staleMarker: string | null = null;
  /** This tab's latest announcement: its storage write, the marker and the message. */
  let pendingWrite: Promise<void> = Promise.resolve();
  let closed = false;

  const judge = (message: TabMessage | null): MessageVerdict =>
    judgeMessage(message, {
      current: live().session,
      endedHere: (id) => ended.has(id),
      signedOutSince,
      lastEnded,
      restoring: live().restoring,
      policy,
      now: Date.now(),
    });

  const post = (message: unknown): void => {
    try {
      channel?.postMessage(message);
    } catch {
      // Closed by a teardown that came first: nothing left to tell.
    }
  };

  const onMessage = ({ data }: { data: unknown }): void => {
    if (closed) return;
    const message = parseMessage(data);
    // Secure mode: a tab with no tokens asks; one that has a session answers with it.
    const own = live().session;
    if (message?.kind === 'ask') {
      if (own) post(wireMessage({ session: own, ended: null, stored: false }));
      return;
    }
    if (message?.kind === 'session') {
      if (message.stored) known.add(message.session.id);
      else known.delete(message.session.id);
    }
    const verdict = judge(message);
    if (verdict.kind === 'adopt' || verdict.kind === 'end') onNews(verdict);
    // Signed out by another tab, or offered a session signed in before this tab signed out: storage
    // tells what lives. The session the other tab ended may have been replaced there already.
    if (verdict.kind !== 'adopt-if-stored' && verdict.kind !== 'end') return;
    const wanted = verdict.kind === 'adopt-if-stored' ? verdict.session : null;
    void readStored().then((stored) => {
      if (closed || stored === null || (wanted !== null && stored.id !== wanted.id)) return;
      const session = wanted !== null && isNewerSession(wanted, stored) ? wanted : stored;
      if (live().session === null && judge({ kind: 'session', session, stored: true }).kind !== 'ignore') {
        onNews({ kind: 'adopt', session });
      }
    });
  };
  channel?.addEventListener('message', onMessage);

  async function readStored(): Promise<AuthSession | null> {
    try {
      return decodeStoredSession(await storage.getItem(authName));
    } catch {
      // Unreadable storage holds nothing.
      return null;
    }
  }

  /** Writes what this tab now has; returns whether it got there. */
  async function store(session: AuthSession | null): Promise<boolean> {
    try {
      await (session
        ? storage.setItem(authName, encodeStoredSession(session))
        : storage.removeItem(authName));
      return true;
    } catch {
      // Storage full, too small, or disabled: the other tabs still hear of it.
      return false;
    }
  }

  /**
   * Tells the other tabs the session this tab now has (after a sign-in, refresh
   * or sign-out here). Storage is updated first, so a tab that takes the lock
   * before the message arrives still reads the change.
   */
  function announce(session: AuthSession | null): void {
    // A sign-out that changed nothing here tells the other tabs nothing.
    const endedId = session === null ? (lastEnded?.id ?? null) : null;
    if (session === null && (endedId === null || endedId === endedAnnounced)) return;
    if (endedId !== null) endedAnnounced = endedId;
    // Started at once, not behind the previous announcement: the storage engine keeps writes in order.
    pendingWrite = (async () => {
      const stored = await store(session);
      if (session !== null) {
        if (stored) known.add(session.id);
        else known.delete(session.id);
      }
      // The marker promises the next lock holder that storage has this generation: only once it does.
      if (session === null) marker?.write(null);
      else if (stored) marker?.write(markerFor(session));
      post(wireMessage({ session, ended: endedId, stored }));
    })();
  }

  return {
    locks,

    async readNews(current) {
      await pendingWrite;
      // Secure mode: storage holds no tokens. Ask the other tabs; an answer arrives as an announcement
      // and is adopted, which the refresh sees as its session having moved on.
      if (storage.tokensInMemory === true) {
        post(ASK_MESSAGE);
        await new Promise((resolve) => setTimeout(resolve, ASK_WAIT_MS));
        return { kind: 'same' };
      }
      if (current === null) return { kind: 'same' };
      const raw = marker?.read() ?? null;
      const named = raw === staleMarker ? null : parseMarker(raw);
      for (let waited = 0; ; waited += MARKER_POLL_MS) {
        const stored = await readStored();
        const news = storageNews({ current, stored, currentWasStored: known.has(current.id), marker: named });
        if (news.kind !== 'lagging') {
          if (stored !== null) known.add(stored.id);
          return news;
        }
        if (waited >= MARKER_WAIT_MS) {
          staleMarker = raw;
          return news;
        }
        await new Promise((resolve) => setTimeout(resolve, MARKER_POLL_MS));
      }
    },

    follow({ action, before, after }) {
      // A session ended here: signed out, or replaced by a sign-in in this tab. One replaced by another
      // tab's newer session may still live elsewhere.
      if (before !== null && before.id !== after?.id && (after === null || !sessionSynced.match(action))) {
        lastEnded = before;
        ended.add(before.id);
      }
      if (after === null && (before !== null || !followedAny)) signedOutSince = Date.now();
      followedAny = true;
      // A session read from storage at startup: if storage is empty later, it ended.
      if (after !== null && sessionRestored.match(action)) known.add(after.id);
      if (announces(action)) announce(after);
    },

    written: () => pendingWrite,

    close() {
      closed = true;
      void pendingWrite.then(() => {
        channel?.removeEventListener('message', onMessage);
        channel?.close();
      });
    },
  };
}
