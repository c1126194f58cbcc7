// A sign-out in one tab racing a sign-in in another (each before the other's message arrives):
// whichever wins, the tabs and storage end up agreeing, and no tab is signed out later by
// finding storage emptied under it.
import { expect, test, vi } from 'vitest';
import { selectIsAuthenticated, signOut } from 'redux-auth-kit';
import { withFakeClock } from './support/clock';
import { openTabs } from './support/tabs';

const LATENCY = 100;
const CYCLE = 30_000 + LATENCY;

withFakeClock();

test('a sign-out of the old session in one tab 1 ms after a new sign-in in another leaves tabs and storage agreeing', async () => {
  const { tabs, hub, memory, authName, server, signInOn, snapshot, expectInSync } = await openTabs({
    count: 2,
    latencyMs: LATENCY,
  });
  const [a, b] = tabs as [(typeof tabs)[number], (typeof tabs)[number]];
  await vi.advanceTimersByTimeAsync(1);
  signInOn(a);
  await vi.advanceTimersByTimeAsync(10);
  expectInSync();

  // Messages take 5 ms: A signs in anew, and 1 ms later B signs out before hearing of it.
  hub.knobs.delayMs = 5;
  const second = signInOn(a);
  await vi.advanceTimersByTimeAsync(1);
  b.store.dispatch(signOut());
  await vi.advanceTimersByTimeAsync(20);

  const settled = expectInSync();
  // Whatever the tabs agree on, storage (what a reload or a new tab reads) agrees with them.
  if (settled.signedIn) expect(memory.data.get(authName)).toContain(second.refreshToken);
  else expect(memory.data.has(authName)).toBe(false);

  // One refresh cycle later nothing has changed by itself.
  const refreshesBefore = server.counters.refreshCalls;
  await vi.advanceTimersByTimeAsync(CYCLE);
  for (const tab of tabs) {
    expect(selectIsAuthenticated(tab.store.getState()), `tab ${tab.label} kept what it agreed on`).toBe(
      settled.signedIn,
    );
  }
  if (settled.signedIn) expect(server.counters.refreshCalls).toBeGreaterThan(refreshesBefore);
  expect(snapshot(a).signedIn).toBe(snapshot(b).signedIn);
});

test("a tab's first write of the signed-out state it read at startup does not erase a session another tab stored meanwhile", async () => {
  // Tab B has no BroadcastChannel (a host without one): it hears of nothing, it only shares storage.
  const { tabs, memory, authName, server, signInOn } = await openTabs({
    count: 2,
    latencyMs: LATENCY,
    tab: (index) => (index === 1 ? { channel: false } : {}),
  });
  const [a] = tabs as [(typeof tabs)[number], (typeof tabs)[number]];
  // Both tabs read an empty storage at startup; before B's first write goes out, A signs in.
  const login = signInOn(a);
  await vi.advanceTimersByTimeAsync(10);
  expect(memory.data.get(authName) ?? 'nothing', 'storage holds the session A signed in').toContain(
    login.refreshToken,
  );

  await vi.advanceTimersByTimeAsync(CYCLE);
  expect(server.counters.refreshCalls, 'A refreshed its session').toBe(1);
  expect(selectIsAuthenticated(a.store.getState()), 'A is still signed in').toBe(true);
});
