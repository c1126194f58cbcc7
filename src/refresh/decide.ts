// The refresh decisions, as pure functions of plain values: the engine, the
// scheduler and the cross-tab layer only carry them out.
import { isCurrent, isNewerSession, RESTORE_REF } from '../session';
import { markerReached, type MarkerValue } from '../tabs/marker';
import type { TabMessage } from '../tabs/messages';
import { passed } from '../token';
import type { AuthSession, AuthState, RefreshOutcome, SessionRef } from '../types';
import type { WakeReason } from './wake';

/** What decides whether and when sessions are refreshed (durations in ms). */
export interface RefreshPolicy {
  /** A `refreshApiCallback` is configured. */
  hasCallback: boolean;
  /** Refresh this long after a token arrived, whatever its expiry; `null`: by expiry only. */
  intervalMs: number | null;
  /** Refresh this long before the access token expires (capped at half its lifetime). */
  marginMs: number;
  /**
   * Secure mode: the server keeps the refresh token in an `HttpOnly` cookie, so a session needs
   * none of its own to be refreshed (and a reload restores one by a refresh).
   */
  refreshTokenInCookie?: boolean;
}

/** What {@link canRefresh} looks at. */
export type CanRefreshPolicy = Pick<RefreshPolicy, 'hasCallback' | 'refreshTokenInCookie'>;

/** Whether `session` can be refreshed at all: a callback, and a refresh token to send (or the server's cookie). */
export const canRefresh = (session: AuthSession, policy: CanRefreshPolicy): boolean =>
  policy.hasCallback && (session.refreshToken !== null || policy.refreshTokenInCookie === true);

/** Whether a reload's hint (secure mode) can be turned into a session by a refresh. */
export const canRestore = (policy: CanRefreshPolicy): boolean =>
  policy.hasCallback && policy.refreshTokenInCookie === true;

/**
 * When `session` ends by itself (epoch ms; `null`: not by time): when its
 * refresh token expires, or its access token when it cannot be refreshed.
 */
export const sessionEndsAt = (session: AuthSession, policy: CanRefreshPolicy): number | null =>
  canRefresh(session, policy) ? session.refreshExpiresAt : session.expiresAt;

/** The outcome of a refresh that did not happen, and why. */
const refused = (reason: 'signed-out' | 'unavailable'): StartDecision => ({
  kind: 'refuse',
  outcome: { ok: false, reason },
});

/** Whether a refresh may start now. */
export type StartDecision =
  | { kind: 'start'; session: AuthSession }
  /** Secure mode after a reload: no session yet, restore one by a refresh. */
  | { kind: 'restore' }
  | { kind: 'refuse'; outcome: RefreshOutcome }
  /** The refresh token has expired: the session is over (once storage confirms no other tab extended it). */
  | { kind: 'end'; session: AuthSession };

/** What {@link decideStart} looks at. */
export interface StartInput {
  /** The state the auth actions produced (not necessarily the one the store shows). */
  live: AuthState;
  /** The store shows the live state (no Redux DevTools monitor holds a past one). */
  shownIsLive: boolean;
  policy: RefreshPolicy;
  now: number;
}

/**
 * Whether a refresh may start: only for the live session, only while the store
 * shows it (a past state shown by DevTools may hold a spent refresh token, and
 * nothing is sent while it is shown), only when it can be refreshed, and only
 * while its refresh token lives.
 */
export function decideStart({ live, shownIsLive, policy, now }: StartInput): StartDecision {
  const { session } = live;
  if (session === null) {
    if (!live.restoring || !canRestore(policy)) return refused('signed-out');
    return shownIsLive ? { kind: 'restore' } : refused('unavailable');
  }
  if (!shownIsLive || !canRefresh(session, policy)) return refused('unavailable');
  if (passed(session.refreshExpiresAt, now)) return { kind: 'end', session };
  return { kind: 'start', session };
}

/** What a refresh result (or any late step of a refresh) may still do. */
export type ResultFate =
  /** The session generation it was started for is still live: apply it. */
  | { kind: 'applies' }
  /** A newer generation arrived meanwhile (another tab's refresh): the goal is met, this one is spent. */
  | { kind: 'moved-on' }
  /** The session it was for ended, or another one started: change nothing. */
  | { kind: 'ended' };

/** Whether a result for the session generation `ref` still applies to the live state. */
export function resultFate(live: AuthState, ref: SessionRef): ResultFate {
  if (isCurrent(live, ref)) return { kind: 'applies' };
  // Moved on: a newer generation of the same session, or for a restore (no session yet) any session
  // (from another tab). Anything else (signed out, another sign-in) ended it.
  const movedOn =
    ref.sessionId === RESTORE_REF.sessionId ? live.session !== null : live.session?.id === ref.sessionId;
  return movedOn ? { kind: 'moved-on' } : { kind: 'ended' };
}

/** The outcome a refresh settles with when its result no longer applies; `null` while it does. */
export function outcomeOfFate(fate: ResultFate): RefreshOutcome | null {
  if (fate.kind === 'applies') return null;
  return fate.kind === 'moved-on' ? { ok: true } : { ok: false, reason: 'signed-out' };
}

/** What storage, read back inside the lock, says about this tab's session. */
export type StorageNews =
  /** Another tab stored a newer generation, or a later sign-in: adopt it and send nothing. */
  | { kind: 'newer'; session: AuthSession }
  /** Storage once held this session and is empty now: it was signed out in another tab. */
  | { kind: 'ended' }
  /** Nothing newer: this tab's tokens are the newest. */
  | { kind: 'same' }
  /** The marker names a generation storage does not show yet (localStorage lagging between tabs). */
  | { kind: 'lagging' };

/** What {@link storageNews} looks at. */
export interface StorageInput {
  /** This tab's session. */
  current: AuthSession;
  /** The session storage holds, validated (`null`: none, or unreadable). */
  stored: AuthSession | null;
  /** Storage is known to have held `current` (this tab wrote or read it): empty storage then means signed out. */
  currentWasStored: boolean;
  /** The generation marker every tab reads at once, when there is one. */
  marker: MarkerValue | null;
}

/** What storage news means for a refresh about to be sent. */
export function storageNews({ current, stored, currentWasStored, marker }: StorageInput): StorageNews {
  // Only a later generation of this very session is worth waiting for: its refresh token is the one
  // this tab would otherwise send, spent. A marker naming another session (a left-over, or a sign-in
  // elsewhere) holds nothing back: sending this session's token is no reuse there.
  const storedIsLater = stored !== null && stored.id !== current.id && isNewerSession(stored, current);
  if (
    marker !== null &&
    marker.sessionId === current.id &&
    !markerReached(marker, current) &&
    !markerReached(marker, stored) &&
    !storedIsLater
  ) {
    return { kind: 'lagging' };
  }
  if (stored === null) return currentWasStored ? { kind: 'ended' } : { kind: 'same' };
  return isNewerSession(stored, current) ? { kind: 'newer', session: stored } : { kind: 'same' };
}

/** Whether a wake-up should retry a failed refresh at once rather than wait for its backoff. */
export const retriesAtOnce = (reason: WakeReason, live: AuthState): boolean =>
  reason === 'online' && live.refresh.status === 'retrying';

/** What this tab knows when another tab's message arrives. */
export interface MessageContext {
  /** This tab's live session. */
  current: AuthSession | null;
  /** Whether the session with this id ended in this tab. */
  endedHere: (sessionId: string) => boolean;
  /** Since when this tab has been signed out (epoch ms), while it is. */
  signedOutSince: number;
  /** The latest session that ended here: one it replaced, or older, is never adopted after it. */
  lastEnded: AuthSession | null;
  /** Secure mode after a reload: a session may exist, and any live one another tab has is taken. */
  restoring: boolean;
  /** Whether sessions can be refreshed here (a session over by itself is never adopted). */
  policy: CanRefreshPolicy;
  now: number;
}

/** What to do with another tab's message. */
export type MessageVerdict =
  | { kind: 'adopt'; session: AuthSession }
  /**
   * A session signed in before this tab signed out, that it never knew: a late announcement of one
   * that has ended since, or another tab's sign-in that crossed this tab's sign-out. Storage tells:
   * adopt it only if storage holds it.
   */
  | { kind: 'adopt-if-stored'; session: AuthSession }
  | { kind: 'end'; ended: string }
  | { kind: 'ignore' };

const IGNORE: MessageVerdict = { kind: 'ignore' };

/**
 * Which cross-tab messages to accept: a sign-out ends only the session it
 * names; a session replaces ours only when it is newer; a session that ended
 * here, or is over, or was superseded by one that ended here, is never revived
 * by a late announcement; one signed in before this tab signed out is adopted
 * only if storage holds it. Malformed
 * messages (`null`) change nothing.
 */
export function judgeMessage(message: TabMessage | null, context: MessageContext): MessageVerdict {
  if (message === null) return IGNORE;
  const { current } = context;
  if (message.kind === 'ask') return IGNORE;
  if (message.kind === 'signed-out') {
    return current?.id === message.ended ? { kind: 'end', ended: message.ended } : IGNORE;
  }
  const { session } = message;
  // A session that ended here, or is over by itself (its refresh token expired), is never adopted.
  if (context.endedHere(session.id) || passed(sessionEndsAt(session, context.policy), context.now))
    return IGNORE;
  if (current === null) {
    // Superseded by the session that ended here (two sign-ins crossing, then a sign-out): over too.
    if (context.lastEnded !== null && !isNewerSession(session, context.lastEnded)) return IGNORE;
    const recent = context.restoring || session.startedAt >= context.signedOutSince;
    return { kind: recent ? 'adopt' : 'adopt-if-stored', session };
  }
  return isNewerSession(session, current) ? { kind: 'adopt', session } : IGNORE;
}

/**
 * Whether the state the store shows is the live one. Under Redux DevTools
 * (`@redux-devtools/instrument`) `getState()` returns whatever state the
 * monitor shows, possibly a past one; new actions still reach the live
 * history. Compares what the library acts on: the session generation and the
 * refresh bookkeeping (not `storageRead`, which a store reset may clear).
 */
export const isShownLive = (shown: AuthState | undefined, live: AuthState): boolean =>
  shown === live || (shown !== undefined && actedOn(shown) === actedOn(live));

/** What the library acts on in an auth state, as one comparable value. */
const actedOn = ({ session, tokenExpired, restoring, refresh }: AuthState): string =>
  JSON.stringify([
    session?.id,
    session?.generation,
    tokenExpired,
    restoring,
    refresh.status,
    refresh.failures,
    refresh.retryAt,
    refresh.checks,
  ]);

/**
 * Which root state the engine takes for the present. Under Redux DevTools an
 * earlier state can hold exactly the live auth state (only other slices moved
 * since): only the root state tells it apart.
 */
export interface RootWatch {
  /** The root state an auth action left: the present, as far as the auth actions show it. */
  tip: unknown;
  /** A root state known to be a past one (it stayed put while the live history moved on), or `null`. */
  held: unknown;
  /** No action has changed the state unseen since `tip` (an unrelated action, passed on unread). */
  tipFresh: boolean;
}

/** The present is `tip`, and nothing else is known. */
export const rootWatchAt = (tip: unknown): RootWatch => ({ tip, held: null, tipFresh: true });

/** What an auth action showed of the root state. */
export interface ActionRoots {
  /** The root state the store showed before the action, and after it. */
  before: unknown;
  after: unknown;
  /** The action changed the live auth state. */
  liveChanged: boolean;
}

/**
 * The watch after an auth action. A past state DevTools shows does not move
 * when actions are appended to the live history; the present does. A shown
 * state that stays put through an action that changed the live auth state is past.
 */
export function rootAfterAction(watch: RootWatch, { before, after, liveChanged }: ActionRoots): RootWatch {
  if (after !== before) return rootWatchAt(after);
  // The present would have moved with the live auth state. A past state can be the very object the
  // present was (the actions since changed nothing): then the present is no longer known.
  if (liveChanged) return { ...watch, held: before, tipFresh: watch.tipFresh && before !== watch.tip };
  return watch;
}

/** Which state the store shows, as far as the engine can tell. */
export type ShownVerdict =
  | 'present'
  | 'past'
  /**
   * The present, without the live auth state in it: a Redux DevTools history edit (a skipped,
   * swept, reordered or imported action, a commit, a rollback) recomputed it. The engine puts the
   * live state back with one action (`liveStateReapplied`).
   */
  | 'edited'
  /**
   * A state the engine cannot place: the present, changed by actions it let pass unread (or by
   * other middleware passing actions on with `next`, as RTK Query does) or recomputed by a history
   * edit, or a past state. An action that changes the state settles it (`shownChecked`): the
   * present moves with it, a past state does not.
   */
  | 'unsure';

/**
 * Whether `shown` is the present: yes when it is the state the latest auth
 * action left and nothing changed unseen since (`'edited'` if that state lacks
 * the live auth state, `authMatches` false); not when it is known to be past;
 * otherwise unsure. An earlier state the monitor shows again after a jump is
 * no proof of a past state: a skipped action or a commit makes one of them the
 * present.
 */
export function judgeShownRoot(
  shown: unknown,
  authMatches: boolean,
  watch: RootWatch,
): { verdict: ShownVerdict; watch: RootWatch } {
  if (shown === watch.held) return { verdict: 'past', watch };
  if (shown === watch.tip && watch.tipFresh) return { verdict: authMatches ? 'present' : 'edited', watch };
  return { verdict: 'unsure', watch };
}
