// Tabs converge on one session whatever order (and whatever instant) their sign-ins happen in:
// two sign-ins within the same millisecond still leave every tab, and storage, on one of them.
import { expect, test, vi } from 'vitest';
import { withFakeClock } from './support/clock';
import { openTabs } from './support/tabs';

const LATENCY = 100;
const CYCLE = 30_000 + LATENCY;

withFakeClock();

test('two sign-ins in the same millisecond in two tabs converge on one session', async () => {
  const { tabs, memory, authName, signInOn, expectInSync } = await openTabs({ count: 2, latencyMs: LATENCY });
  const [a, b] = tabs as [(typeof tabs)[number], (typeof tabs)[number]];
  await vi.advanceTimersByTimeAsync(1);
  signInOn(a);
  signInOn(b);
  await vi.advanceTimersByTimeAsync(10);
  const ids = tabs.map((tab) => tab.store.getState().auth.session?.id);
  expect(ids[0], 'both tabs hold the same session').toBe(ids[1]);
  expectInSync();

  // A refresh later they still agree, and storage holds their session.
  await vi.advanceTimersByTimeAsync(CYCLE + 10);
  const now = expectInSync();
  expect(now.signedIn).toBe(true);
  expect(memory.data.get(authName)).toContain(now.refreshToken!);
});
