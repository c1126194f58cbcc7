import { describe, expect, test, vi } from 'vitest';
import {
  refreshNow,
  selectIsAuthenticated,
  selectRefreshToken,
  sessionSynced,
  type RefreshApiCallback,
} from 'redux-auth-kit';
import { withFakeClock } from './support/clock';
import { jwtFor } from './support/jwt';
import { createRotatingServer, type RotatingClient } from './support/rotatingServer';
import { expectEveryTokenSentOnce, held, openBrowser, openTabs, signedIn } from './support/tabs';

// Access tokens live 60 s (refresh due at 30 s), calls take 100 ms, the
// refresh timeout is the default 10 s: a lock holder lets go within 10 s and a
// waiting tab steals the lock after 20 s.
const LATENCY = 100;
const CYCLE = 30_000 + LATENCY;
const TIMEOUT = 10_000;

withFakeClock();

describe('a rejected refresh', () => {
  test('a rejection (the server revoked the family) in one tab signs out every tab and clears storage', async () => {
    const { tabs, server, memory, authName, signInOn, flushAll, expectInSync } = await openTabs({ count: 3 });
    const login = signInOn(tabs[0]!);
    await vi.advanceTimersByTimeAsync(CYCLE + 1);
    expect(server.counters.refreshCalls).toBe(1);

    server.revoke(login.family);
    await vi.advanceTimersByTimeAsync(CYCLE + 1);
    for (const tab of tabs) expect(selectIsAuthenticated(tab.store.getState())).toBe(false);
    expectInSync();
    await flushAll();
    expect(memory.data.has(authName)).toBe(false);
    expect(server.counters.reuseDetections).toBe(0);
    // Signed out: nobody tries again.
    const calls = server.counters.refreshCalls;
    await vi.advanceTimersByTimeAsync(3 * CYCLE);
    expect(server.counters.refreshCalls).toBe(calls);
  });

  test('the tabs waiting for the lock behind a rejected refresh do not send the rejected token again', async () => {
    const { tabs, server, signInOn } = await openTabs({ count: 3 });
    const login = signInOn(tabs[0]!);
    await vi.advanceTimersByTimeAsync(1);
    server.revoke(login.family);
    await vi.advanceTimersByTimeAsync(CYCLE);

    for (const tab of tabs) expect(selectIsAuthenticated(tab.store.getState())).toBe(false);
    // Handed to a refreshApiCallback is sent: fetch puts it on the wire at once.
    const sent = tabs.flatMap((tab) => tab.client.calls.map((call) => [tab.label, call.refreshToken]));
    expect(sent).toEqual([['A', login.refreshToken]]);
  });

  test('a tab that missed the announcement finds the rotated token inside the lock and adopts it without a call', async () => {
    const { tabs, server, hub, signInOn, expectInSync } = await openTabs({ count: 2 });
    const [a, b] = [tabs[0]!, tabs[1]!];
    signInOn(a);
    await vi.advanceTimersByTimeAsync(1);
    // From now on tab B hears nothing from A.
    hub.knobs.drop = (delivery) => delivery.to === 'B';

    // At 10 s tab A refreshes early; B still holds the old tokens, due at 30 s.
    await vi.advanceTimersByTimeAsync(10_000);
    const outcome = a.store.dispatch(refreshNow());
    await vi.advanceTimersByTimeAsync(LATENCY);
    await expect(outcome).resolves.toEqual({ ok: true });
    expect(server.counters.refreshCalls).toBe(1);
    expect(b.store.getState().auth.session?.generation).toBe(0);
    expect(hub.stats.dropped).toBeGreaterThan(0);

    // B's timer fires for its old token: inside the lock it reads A's rotation from storage.
    await vi.advanceTimersByTimeAsync(20_000);
    expect(b.client.calls).toHaveLength(0);
    expect(server.counters.refreshCalls).toBe(1);
    expect(b.actions.filter(sessionSynced.match).at(-1)?.payload.session?.generation).toBe(1);
    expect(expectInSync().refreshToken).toBe(server.issued.at(-1));
    expect(server.counters.reuseDetections).toBe(0);
  });

  test('a rejection of a token another tab already rotated adopts the rotated tokens instead of signing out', async () => {
    // A lenient server (a reuse grace window) refuses a spent token without revoking the family.
    const server = createRotatingServer({ onReuse: 'reject' });
    // Tab B has no Web Locks, so its call can overlap A's.
    const { tabs, hub, signInOn, expectInSync } = await openTabs({
      count: 2,
      server,
      tab: (_i, label) => (label === 'B' ? { locks: null } : {}),
    });
    const [a, b] = [tabs[0]!, tabs[1]!];
    const login = signInOn(a);
    await vi.advanceTimersByTimeAsync(1);
    hub.knobs.drop = (delivery) => delivery.to === 'B';

    // B sends the current token on a slow network; A rotates it meanwhile and stores the result.
    b.client.delayNext(1_000);
    const bOutcome = b.store.dispatch(refreshNow());
    await vi.advanceTimersByTimeAsync(10);
    const aOutcome = a.store.dispatch(refreshNow());
    await vi.advanceTimersByTimeAsync(LATENCY);
    await expect(aOutcome).resolves.toEqual({ ok: true });
    await vi.advanceTimersByTimeAsync(1_000);

    await expect(bOutcome).resolves.toEqual({ ok: true });
    // B's call carried the token A had just spent, and was refused.
    expect(server.log.map((call) => [call.tab, call.refreshToken, call.answer.ok])).toEqual([
      ['A', login.refreshToken, true],
      ['B', login.refreshToken, false],
    ]);
    expect(server.counters.spentRejections).toBe(1);
    expect(selectIsAuthenticated(b.store.getState())).toBe(true);
    expect(b.actions.filter(sessionSynced.match).at(-1)?.payload.session?.generation).toBe(1);
    expect(expectInSync().refreshToken).toBe(server.current(login.family));

    // And the session goes on (B, without locks, overlaps A again at the same due time; the lenient
    // server refuses B's spent token again, and B adopts again).
    hub.knobs.drop = () => false;
    await vi.advanceTimersByTimeAsync(CYCLE + 1_000);
    expect(server.log.slice(2).map((call) => call.answer.ok)).toEqual([true, false]);
    const now = expectInSync();
    expect(now.signedIn).toBe(true);
    expect(now.refreshToken).toBe(server.current(login.family));
  });
});

describe('a lock holder that hangs or freezes', () => {
  test('a holder whose call hangs lets go after its timeout and grace, another tab refreshes, and the late result is ignored', async () => {
    const { tabs, server, locks, memory, authName, signInOn, flushAll, expectInSync } = await openTabs({
      count: 3,
    });
    const [a, b] = [tabs[0]!, tabs[1]!];
    const login = signInOn(a);
    await vi.advanceTimersByTimeAsync(1);
    const dueAt = Date.now() - 1 + 30_000;
    // Tab A takes the lock first at the due time; its call never reaches the server.
    const hung = a.client.hangNext();
    const hungSignal = (): AbortSignal | undefined => a.client.calls[0]?.signal;
    await vi.advanceTimersByTimeAsync(dueAt - Date.now());
    expect(a.client.calls).toHaveLength(1);
    expect(server.counters.refreshCalls).toBe(0);

    // A holds the lock for its timeout plus half of it (a grace for a late answer), then one other tab refreshes.
    await vi.advanceTimersByTimeAsync(TIMEOUT * 1.5 + LATENCY + 1);
    expect(server.counters.refreshCalls).toBe(1);
    const caller = server.log[0]!;
    expect(caller.tab).not.toBe('A');
    const callerCalls = tabs.find((tab) => tab.label === caller.tab)!.client.calls;
    expect(callerCalls).toHaveLength(1);
    expect(callerCalls[0]).toMatchObject({
      at: dueAt + TIMEOUT * 1.5,
      refreshToken: login.refreshToken,
      authToken: login.accessToken,
    });
    // A's call was aborted when its timeout released the lock.
    expect(hungSignal()?.aborted).toBe(true);
    const settled = expectInSync();
    expect(settled.refreshToken).toBe(server.current(login.family));
    expect(locks.stats.steals).toBe(0);

    // A's call finally answers, with tokens nobody should take.
    hung.resolve({ isSuccess: true, newAuthToken: jwtFor(60), newRefreshToken: 'rt-late' });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(expectInSync()).toEqual(settled);
    await flushAll();
    expect(memory.data.get(authName)).not.toContain('rt-late');
    for (const tab of tabs) expect(selectRefreshToken(tab.store.getState())).not.toBe('rt-late');

    // The next cycle is normal.
    await vi.advanceTimersByTimeAsync(CYCLE);
    expect(server.counters.refreshCalls).toBe(2);
    expect(server.counters.reuseDetections).toBe(0);
    expectEveryTokenSentOnce(server);
    expect(b.logger.error).not.toHaveBeenCalled();
  });

  test('a tab frozen while holding the lock loses it after twice the timeout, and the waiting tab refreshes', async () => {
    const { tabs, server, locks, signInOn, expectInSync } = await openTabs({ count: 1 });
    const login = signInOn(tabs[0]!);
    await vi.advanceTimersByTimeAsync(CYCLE + 1);
    expect(server.counters.refreshCalls).toBe(1);
    // Another tab (not a store here) froze holding the lock.
    const frozen = locks.hold(locks.names[0]!);
    await frozen.granted;

    const dueAt = tabs[0]!.store.getState().auth.session!.receivedAt + 30_000;
    await vi.advanceTimersByTimeAsync(dueAt + 2 * TIMEOUT - 1 - Date.now());
    expect(server.counters.refreshCalls).toBe(1);
    await vi.advanceTimersByTimeAsync(1 + LATENCY);
    await expect(frozen.outcome).resolves.toBe('stolen');
    expect(locks.stats.steals).toBe(1);
    expect(server.counters.refreshCalls).toBe(2);
    expect(tabs[0]!.client.calls[1]?.at).toBe(dueAt + 2 * TIMEOUT);
    expect(expectInSync().refreshToken).toBe(server.current(login.family));
    expect(server.counters.reuseDetections).toBe(0);
  });

  test('two tabs waiting behind a frozen holder refresh once between them, without reuse', async () => {
    const { tabs, server, locks, signInOn, expectInSync } = await openTabs({ count: 2 });
    const login = signInOn(tabs[0]!);
    await vi.advanceTimersByTimeAsync(CYCLE + 1);
    expect(server.counters.refreshCalls).toBe(1);
    const frozen = locks.hold(locks.names[0]!);
    await frozen.granted;

    // Both tabs' waits run out together and both steal: the second steals from the first mid-call.
    await vi.advanceTimersByTimeAsync(30_000 + 2 * TIMEOUT + LATENCY + 1);
    expect(server.log.slice(1).map((call) => [call.tab, call.refreshToken, call.answer.ok])).toEqual([
      [expect.any(String), server.issued[1], true],
    ]);
    expect(server.counters.reuseDetections).toBe(0);
    expectEveryTokenSentOnce(server);
    expect(expectInSync().refreshToken).toBe(server.current(login.family));
  });
});

describe('a refresh that outlives its timeout', () => {
  test('a refresh that times out after reaching the server does not make another tab send the same refresh token', async () => {
    const server = createRotatingServer();
    const { open, signInOn } = openBrowser(server);
    // The first refresh call in the browser reaches the server at once (the tokens rotate), but its
    // answer arrives 12 s later, after the timeout, whatever the signal says.
    let slowed = false;
    const slowFirst =
      (label: string) =>
      (client: RotatingClient): RefreshApiCallback =>
      async (param) => {
        if (slowed) return client.callback(param);
        slowed = true;
        const answer = server.refresh(param.refreshToken, label);
        await new Promise((resolve) => setTimeout(resolve, 12_000));
        return answer.ok
          ? { isSuccess: true, newAuthToken: answer.accessToken, newRefreshToken: answer.refreshToken }
          : { isSuccess: false };
      };
    const tabs = [
      await open('A', { callback: slowFirst('A') }),
      await open('B', { callback: slowFirst('B') }),
    ];
    const [a, b] = [tabs[0]!, tabs[1]!];
    const login = signInOn(a);
    await vi.advanceTimersByTimeAsync(1);
    expect(signedIn(b)).toBe(true);

    await vi.advanceTimersByTimeAsync(CYCLE + 12_000 + 1_000);
    expect(server.counters.refreshCalls).toBeGreaterThanOrEqual(1);
    expect(server.counters.reuseDetections).toBe(0);
    expect(server.sentTwice()).toEqual([]);
    const current = server.current(login.family);
    expect(current).not.toBeNull();
    expect(held(a)).toMatchObject({ signedIn: true, refreshToken: current });
    expect(held(b)).toEqual(held(a));
  });
});
