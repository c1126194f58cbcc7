// The refresh decisions on plain values: no store, no timers, no storage.
import { describe, expect, test } from 'vitest';
import {
  canRefresh,
  canRestore,
  decideStart,
  isShownLive,
  judgeMessage,
  judgeShownRoot,
  outcomeOfFate,
  resultFate,
  retriesAtOnce,
  rootAfterAction,
  rootWatchAt,
  sessionEndsAt,
  storageNews,
  type MessageContext,
} from '../src/refresh/decide';
import { sessionOf, stateOf, T0 } from './support/states';

const policy = { hasCallback: true, intervalMs: null, marginMs: 60_000 };
const ref = { sessionId: 's1', generation: 0 };

describe('canRefresh and sessionEndsAt', () => {
  test('a session with a refresh token and a callback can be refreshed, and ends with its refresh token', () => {
    expect(canRefresh(sessionOf(), policy)).toBe(true);
    expect(sessionEndsAt(sessionOf(), policy)).toBe(T0 + 3_600_000);
  });

  test('without a refresh token, or without a callback, the session ends with its access token', () => {
    const noRefresh = sessionOf({ refreshToken: null });
    expect(canRefresh(noRefresh, policy)).toBe(false);
    expect(sessionEndsAt(noRefresh, policy)).toBe(T0 + 600_000);
    expect(canRefresh(sessionOf(), { hasCallback: false })).toBe(false);
    expect(sessionEndsAt(sessionOf(), { hasCallback: false })).toBe(T0 + 600_000);
  });

  test('a refresh token of unknown lifetime never ends the session by time', () => {
    expect(sessionEndsAt(sessionOf({ refreshExpiresAt: null }), policy)).toBeNull();
  });
});

describe('decideStart', () => {
  const input = { live: stateOf(sessionOf()), shownIsLive: true, policy, now: T0 + 1 };

  test('a live, refreshable session starts a refresh', () => {
    expect(decideStart(input)).toEqual({ kind: 'start', session: sessionOf() });
  });

  test('signed out: nothing to refresh', () => {
    expect(decideStart({ ...input, live: stateOf(null) })).toEqual({
      kind: 'refuse',
      outcome: { ok: false, reason: 'signed-out' },
    });
  });

  test('while DevTools shows a past state nothing is sent', () => {
    expect(decideStart({ ...input, shownIsLive: false })).toEqual({
      kind: 'refuse',
      outcome: { ok: false, reason: 'unavailable' },
    });
  });

  test('a session without a refresh token is unavailable', () => {
    expect(decideStart({ ...input, live: stateOf(sessionOf({ refreshToken: null })) }).kind).toBe('refuse');
  });

  test('an expired refresh token ends the session instead', () => {
    expect(decideStart({ ...input, now: T0 + 3_600_000 })).toEqual({ kind: 'end', session: sessionOf() });
  });

  describe('a reload in secure mode (no session, a hint that one may exist)', () => {
    const secure = { ...policy, refreshTokenInCookie: true };
    const restoring = { ...stateOf(null), restoring: true };

    test('restores by a refresh, the refresh token being in the cookie', () => {
      expect(canRestore(secure)).toBe(true);
      expect(decideStart({ ...input, live: restoring, policy: secure })).toEqual({ kind: 'restore' });
    });

    test('not while DevTools shows a past state', () => {
      expect(decideStart({ ...input, live: restoring, policy: secure, shownIsLive: false })).toEqual({
        kind: 'refuse',
        outcome: { ok: false, reason: 'unavailable' },
      });
    });

    test('not without a callback, nor outside secure mode, nor without the hint', () => {
      expect(canRestore({ ...secure, hasCallback: false })).toBe(false);
      expect(canRestore(policy)).toBe(false);
      const signedOut = { kind: 'refuse', outcome: { ok: false, reason: 'signed-out' } };
      expect(decideStart({ ...input, live: restoring, policy: { ...secure, hasCallback: false } })).toEqual(
        signedOut,
      );
      expect(decideStart({ ...input, live: restoring, policy })).toEqual(signedOut);
      expect(decideStart({ ...input, live: stateOf(null), policy: secure })).toEqual(signedOut);
    });

    test('a session without a refresh token of its own can be refreshed there', () => {
      expect(canRefresh(sessionOf({ refreshToken: null }), secure)).toBe(true);
    });
  });
});

describe('resultFate', () => {
  test('a result for the live generation applies', () => {
    expect(resultFate(stateOf(sessionOf()), ref)).toEqual({ kind: 'applies' });
  });

  test('a result for an older generation of the live session has been overtaken: the goal is met', () => {
    const fate = resultFate(stateOf(sessionOf({ generation: 1 })), ref);
    expect(fate).toEqual({ kind: 'moved-on' });
    expect(outcomeOfFate({ kind: 'applies' })).toBeNull();
    expect(outcomeOfFate({ kind: 'moved-on' })).toEqual({ ok: true });
  });

  test('a result for a session that ended, or was replaced by another sign-in, changes nothing', () => {
    expect(resultFate(stateOf(null), ref)).toEqual({ kind: 'ended' });
    expect(resultFate(stateOf(sessionOf({ id: 's2' })), ref)).toEqual({ kind: 'ended' });
    expect(outcomeOfFate({ kind: 'ended' })).toEqual({ ok: false, reason: 'signed-out' });
  });
});

describe('storageNews', () => {
  const current = sessionOf({ generation: 2 });
  const input = { current, stored: current, currentWasStored: true, marker: null };

  test('storage holding this generation (or an older one) is no news', () => {
    expect(storageNews(input)).toEqual({ kind: 'same' });
    expect(storageNews({ ...input, stored: sessionOf({ generation: 1 }) })).toEqual({ kind: 'same' });
  });

  test('a newer generation or a later sign-in in storage is adopted', () => {
    const newer = sessionOf({ generation: 3 });
    expect(storageNews({ ...input, stored: newer })).toEqual({ kind: 'newer', session: newer });
    const later = sessionOf({ id: 's2', startedAt: T0 + 1 });
    expect(storageNews({ ...input, stored: later })).toEqual({ kind: 'newer', session: later });
  });

  test('an earlier sign-in in storage is no news', () => {
    expect(storageNews({ ...input, stored: sessionOf({ id: 's0', startedAt: T0 - 1 }) })).toEqual({
      kind: 'same',
    });
  });

  test('empty storage means signed out elsewhere only when it is known to have held this session', () => {
    expect(storageNews({ ...input, stored: null })).toEqual({ kind: 'ended' });
    expect(storageNews({ ...input, stored: null, currentWasStored: false })).toEqual({ kind: 'same' });
  });

  test('a marker naming a later generation of this session that storage does not show yet is lag', () => {
    const marker = { sessionId: 's1', generation: 3 };
    expect(storageNews({ ...input, marker })).toEqual({ kind: 'lagging' });
    expect(storageNews({ ...input, marker, stored: null })).toEqual({ kind: 'lagging' });
  });

  test('a marker storage has reached, or this tab has, holds nothing back', () => {
    const newer = sessionOf({ generation: 3 });
    expect(storageNews({ ...input, marker: { sessionId: 's1', generation: 3 }, stored: newer })).toEqual({
      kind: 'newer',
      session: newer,
    });
    expect(storageNews({ ...input, marker: { sessionId: 's1', generation: 2 } })).toEqual({ kind: 'same' });
  });

  test('a marker naming another session (a left-over, or a foreign cookie) holds nothing back', () => {
    expect(storageNews({ ...input, marker: { sessionId: 'other', generation: 9 } })).toEqual({
      kind: 'same',
    });
  });

  test('a later sign-in in storage is adopted even when the marker still names this session', () => {
    const later = sessionOf({ id: 's2', startedAt: T0 + 1 });
    expect(storageNews({ ...input, marker: { sessionId: 's1', generation: 5 }, stored: later })).toEqual({
      kind: 'newer',
      session: later,
    });
  });
});

describe('retriesAtOnce', () => {
  test('coming back online retries a failed refresh at once; nothing else does', () => {
    const retrying = stateOf(sessionOf(), { status: 'retrying', failures: 1, retryAt: T0 + 60_000 });
    expect(retriesAtOnce('online', retrying)).toBe(true);
    expect(retriesAtOnce('visible', retrying)).toBe(false);
    expect(retriesAtOnce('online', stateOf(sessionOf()))).toBe(false);
  });
});

describe('judgeMessage', () => {
  const context = (overrides: Partial<MessageContext> = {}): MessageContext => ({
    current: sessionOf(),
    endedHere: () => false,
    signedOutSince: T0,
    lastEnded: null,
    restoring: false,
    policy,
    now: T0 + 1,
    ...overrides,
  });
  const announced = (session = sessionOf({ generation: 1 })) =>
    ({ kind: 'session', session, stored: true }) as const;

  test('a newer generation of our session, or a later sign-in, is adopted', () => {
    const newer = sessionOf({ generation: 1 });
    expect(judgeMessage(announced(newer), context())).toEqual({ kind: 'adopt', session: newer });
    const later = sessionOf({ id: 's2', startedAt: T0 + 5 });
    expect(judgeMessage(announced(later), context())).toEqual({ kind: 'adopt', session: later });
  });

  test('an older or equal session is ignored', () => {
    expect(judgeMessage(announced(sessionOf()), context())).toEqual({ kind: 'ignore' });
    const earlier = sessionOf({ id: 's0', startedAt: T0 - 5 });
    expect(judgeMessage(announced(earlier), context())).toEqual({ kind: 'ignore' });
  });

  test('two sign-ins in the same millisecond: every tab picks the same one', () => {
    const a = sessionOf({ id: 'aaa' });
    const b = sessionOf({ id: 'bbb' });
    expect(judgeMessage(announced(b), context({ current: a }))).toEqual({ kind: 'adopt', session: b });
    expect(judgeMessage(announced(a), context({ current: b }))).toEqual({ kind: 'ignore' });
  });

  test('a session that ended here is never revived by a late announcement', () => {
    const ended = context({ current: null, endedHere: (id) => id === 's1' });
    expect(judgeMessage(announced(), ended)).toEqual({ kind: 'ignore' });
  });

  test('signed out here: a session signed in since is adopted, one signed in before only if storage holds it', () => {
    const signedOut = context({ current: null, signedOutSince: T0 + 10 });
    const later = sessionOf({ id: 's2', startedAt: T0 + 10 });
    expect(judgeMessage(announced(later), signedOut)).toEqual({ kind: 'adopt', session: later });
    const earlier = sessionOf({ id: 's3', startedAt: T0 + 9 });
    expect(judgeMessage(announced(earlier), signedOut)).toEqual({
      kind: 'adopt-if-stored',
      session: earlier,
    });
  });

  test('signed out here: a session superseded by the one that ended here is not adopted', () => {
    const ended = sessionOf({ id: 'bbb' });
    const superseded = sessionOf({ id: 'aaa' });
    const newer = sessionOf({ id: 'ccc', startedAt: T0 + 1 });
    const signedOut = context({ current: null, lastEnded: ended });
    expect(judgeMessage(announced(superseded), signedOut)).toEqual({ kind: 'ignore' });
    expect(judgeMessage(announced(newer), signedOut)).toEqual({ kind: 'adopt', session: newer });
  });

  test('a session that is over by itself is never adopted', () => {
    const dead = sessionOf({ id: 's2', startedAt: T0 + 5, refreshExpiresAt: T0 });
    expect(judgeMessage(announced(dead), context())).toEqual({ kind: 'ignore' });
    expect(judgeMessage(announced(dead), context({ current: null, signedOutSince: 0 }))).toEqual({
      kind: 'ignore',
    });
  });

  test('a sign-out ends only the session it names', () => {
    expect(judgeMessage({ kind: 'signed-out', ended: 's1' }, context())).toEqual({
      kind: 'end',
      ended: 's1',
    });
    expect(judgeMessage({ kind: 'signed-out', ended: 's9' }, context())).toEqual({ kind: 'ignore' });
    expect(judgeMessage({ kind: 'signed-out', ended: 's1' }, context({ current: null }))).toEqual({
      kind: 'ignore',
    });
  });

  test('a malformed message changes nothing', () => {
    expect(judgeMessage(null, context())).toEqual({ kind: 'ignore' });
  });
});

describe('isShownLive', () => {
  const live = stateOf(sessionOf({ generation: 2 }));

  test('the same state, or an equal one, is the live one', () => {
    expect(isShownLive(live, live)).toBe(true);
    expect(isShownLive(stateOf(sessionOf({ generation: 2 })), live)).toBe(true);
  });

  test('an older generation, another session, or other refresh bookkeeping is a past state', () => {
    expect(isShownLive(stateOf(sessionOf({ generation: 1 })), live)).toBe(false);
    expect(isShownLive(stateOf(sessionOf({ id: 'x', generation: 2 })), live)).toBe(false);
    expect(isShownLive(stateOf(null), live)).toBe(false);
    expect(isShownLive(stateOf(sessionOf({ generation: 2 }), { status: 'refreshing' }), live)).toBe(false);
    expect(isShownLive(stateOf(sessionOf({ generation: 2 }), {}, true), live)).toBe(false);
  });

  test('whether storage was read does not count: a store reset clears it', () => {
    expect(isShownLive({ ...live, storageRead: false }, live)).toBe(true);
  });

  test('no auth state shown at all is not the live one', () => {
    expect(isShownLive(undefined, live)).toBe(false);
  });
});

describe('which root state is the present (Redux DevTools)', () => {
  // Root states are told apart by identity, as the store hands them out.
  const present = { auth: 'live' };
  const next = { auth: 'live, one action later' };
  const past = { auth: 'earlier' };

  describe('rootAfterAction', () => {
    test('a state that moves with an action is the present, and nothing is held any more', () => {
      const watch = { ...rootWatchAt(present), held: past };
      expect(rootAfterAction(watch, { before: present, after: next, liveChanged: true })).toEqual(
        rootWatchAt(next),
      );
    });

    test('a state that stays put while the live auth state changes is a past one', () => {
      expect(rootAfterAction(rootWatchAt(present), { before: past, after: past, liveChanged: true })).toEqual(
        {
          tip: present,
          held: past,
          tipFresh: true,
        },
      );
    });

    test('a past state that is the very object the present was: the present is no longer known', () => {
      expect(
        rootAfterAction(rootWatchAt(present), { before: present, after: present, liveChanged: true }),
      ).toEqual({ tip: present, held: present, tipFresh: false });
    });

    test('an action that changed nothing tells nothing', () => {
      const watch = { tip: present, held: past, tipFresh: false };
      expect(rootAfterAction(watch, { before: past, after: past, liveChanged: false })).toBe(watch);
      expect(
        rootAfterAction(rootWatchAt(present), { before: present, after: present, liveChanged: false }),
      ).toEqual(rootWatchAt(present));
    });
  });

  describe('judgeShownRoot', () => {
    const judge = (shown: unknown, authMatches: boolean, watch = rootWatchAt(present)) =>
      judgeShownRoot(shown, authMatches, watch).verdict;

    test('the state the latest auth action left, nothing changed unseen since: the present', () => {
      expect(judge(present, true)).toBe('present');
    });

    test('that state without the live auth state in it: a history edit rewrote the present', () => {
      expect(judge(present, false)).toBe('edited');
    });

    test('a state known to be past stays past, whatever its auth state', () => {
      const watch = { ...rootWatchAt(present), held: past };
      expect(judge(past, true, watch)).toBe('past');
      expect(judge(past, false, watch)).toBe('past');
    });

    test('any other state, an earlier one shown again included, or the present after actions passed unread: unsure (one check settles it)', () => {
      expect(judge(next, true)).toBe('unsure');
      expect(judge(next, false)).toBe('unsure');
      expect(judge(present, true, { ...rootWatchAt(present), tipFresh: false })).toBe('unsure');
      expect(judge(present, false, { ...rootWatchAt(present), tipFresh: false })).toBe('unsure');
    });
  });
});
