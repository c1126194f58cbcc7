import { describe, expect, test, vi } from 'vitest';
import { selectIsAuthenticated, type AuthStorage, type GenerationMarker } from 'redux-auth-kit';
import { withFakeClock } from './support/clock';
import { expectEveryTokenSentOnce, openTabs } from './support/tabs';

const LATENCY = 100;
const CYCLE = 30_000 + LATENCY;

withFakeClock();

describe('without Web Locks', () => {
  test('with navigator.locks absent the tabs still refresh and stay in sync over the channel, and nothing throws', async () => {
    // No `locks` option and no navigator.locks in this runtime: the coordinator has only the channel.
    // The normal case: tab timers do not coincide (a background tab's timers run late; modelled by
    // giving tabs B and C a smaller margin), so one tab refreshes and the others follow its announcement.
    const { tabs, server, locks, signInOn, expectInSync } = await openTabs({
      count: 3,
      latencyMs: LATENCY,
      tab: (index) => ({ locks: undefined, ...(index > 0 && { margin: 20 }) }),
    });
    expect(typeof (globalThis as { navigator?: { locks?: unknown } }).navigator?.locks).toBe('undefined');
    const login = signInOn(tabs[0]!);
    await vi.advanceTimersByTimeAsync(1);

    for (let cycle = 1; cycle <= 5; cycle += 1) {
      await vi.advanceTimersByTimeAsync(CYCLE);
      expect(server.counters.refreshCalls).toBe(cycle);
      const now = expectInSync();
      expect(now.signedIn).toBe(true);
      expect(now.refreshToken).toBe(server.current(login.family));
    }
    expect(locks.stats.requests).toBe(0);
    expect(server.counters.reuseDetections).toBe(0);
    expectEveryTokenSentOnce(server);
  });

  test('with locks off, tabs whose refreshes overlap send the same refresh token: the server detects reuse and every tab ends signed out together (the documented degradation)', async () => {
    // Same timers, 100 ms network: B's timer fires while A's call is in flight, and storage still
    // holds the token A is spending. Nothing serializes them, so both send it.
    const { tabs, server, signInOn, expectInSync } = await openTabs({
      count: 2,
      latencyMs: LATENCY,
      tab: () => ({ locks: null }),
    });
    const login = signInOn(tabs[0]!);
    await vi.advanceTimersByTimeAsync(1);

    await vi.advanceTimersByTimeAsync(CYCLE);
    expect(server.log.map((call) => [call.tab, call.refreshToken, call.answer])).toEqual([
      ['A', login.refreshToken, expect.objectContaining({ ok: true })],
      ['B', login.refreshToken, { ok: false, reason: 'reuse' }],
    ]);
    expect(server.counters.reuseDetections).toBe(1);
    // B's rejected call finds A's rotation in storage and adopts it, so for now both stay signed in…
    expect(expectInSync().signedIn).toBe(true);

    // …until the next refresh, which the server refuses (the family is revoked): every tab signs out.
    await vi.advanceTimersByTimeAsync(CYCLE);
    for (const tab of tabs) expect(selectIsAuthenticated(tab.store.getState())).toBe(false);
    expectInSync();
  });
});

/**
 * One storage seen by several tabs, where a tab sees another tab's write only
 * `lagMs` after it was made (Chromium's localStorage between processes).
 */
function laggingStorage(lagMs: number) {
  const writes: Array<{ key: string; value: string | null; at: number; by: string }> = [];
  const read = (key: string, tab: string): string | null => {
    let value: string | null = null;
    for (const write of writes) {
      if (write.key === key && (write.by === tab || write.at + lagMs <= Date.now())) value = write.value;
    }
    return value;
  };
  return (tab: string): AuthStorage => ({
    getItem: async (key) => read(key, tab),
    setItem: async (key, value) => {
      writes.push({ key, value, at: Date.now(), by: tab });
    },
    removeItem: async (key) => {
      writes.push({ key, value: null, at: Date.now(), by: tab });
    },
  });
}

/** A marker every tab reads consistently at once, as `document.cookie` is. */
function sharedMarker(): GenerationMarker {
  let value: string | null = null;
  return {
    read: () => value,
    write: (next) => {
      value = next;
    },
  };
}

describe('a storage that lags between tabs', () => {
  test('with the generation marker, the next lock holder waits for the rotated token instead of sending the spent one', async () => {
    const view = laggingStorage(30);
    const marker = sharedMarker();
    const { tabs, server, signInOn, expectInSync } = await openTabs({
      count: 3,
      latencyMs: LATENCY,
      tab: (_index, label) => ({ storage: view(label), marker }),
    });
    const login = signInOn(tabs[0]!);
    await vi.advanceTimersByTimeAsync(1);

    for (let cycle = 1; cycle <= 5; cycle += 1) {
      await vi.advanceTimersByTimeAsync(CYCLE + 100);
      expect(server.counters.refreshCalls).toBe(cycle);
      expect(expectInSync().refreshToken).toBe(server.current(login.family));
    }
    expect(server.counters.reuseDetections).toBe(0);
    expectEveryTokenSentOnce(server);
  });

  test('without the marker, the next lock holder reads the value from before the rotation and sends the spent token (why the marker exists)', async () => {
    const view = laggingStorage(30);
    const { tabs, server, signInOn } = await openTabs({
      count: 2,
      latencyMs: LATENCY,
      tab: (_index, label) => ({ storage: view(label) }),
    });
    const login = signInOn(tabs[0]!);
    await vi.advanceTimersByTimeAsync(1);
    await vi.advanceTimersByTimeAsync(CYCLE + 100);
    expect(server.tokensSeen.get(login.refreshToken)).toBe(2);
    expect(server.counters.reuseDetections).toBe(1);
  });
});

describe('the early lead of tabs without Web Locks', () => {
  test('tabs without locks come due at different moments, so over five cycles one tab refreshes each time and no token is reused', async () => {
    const randoms = [0.9, 0.1, 0.5];
    const { tabs, server, signInOn, expectInSync } = await openTabs({
      count: 3,
      tab: (index) => ({ locks: null, random: () => randoms[index]! }),
    });
    signInOn(tabs[0]!);
    await vi.advanceTimersByTimeAsync(1);
    await vi.advanceTimersByTimeAsync(5 * 30_000 + 1_000);
    expect(server.counters.refreshCalls).toBe(5);
    expect(server.counters.reuseDetections).toBe(0);
    expectInSync();
  });
});
