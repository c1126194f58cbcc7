// Refresh calls per token lifetime with 1, 2, 5 and 10 stores sharing storage
// (the tabs of one browser: one lock manager, one channel hub, one rotating
// auth server that revokes the family when a spent refresh token comes back).
import { afterAll, afterEach, beforeEach, expect, test, vi } from 'vitest';
import { openTabs } from '../support/tabs';
import { writeResults } from './results';

const LIFETIMES = 10;
const LATENCY_MS = 100;
/** Access tokens live 60 s, so a refresh is due 30 s after each one arrives. */
const CYCLE_MS = 30_000 + LATENCY_MS;

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

const figures: Record<string, unknown> = {};
afterAll(() => writeResults('tabs', { lifetimes: LIFETIMES, stores: figures }));

test.each([1, 2, 5, 10])('refresh calls per token lifetime with %i stores sharing storage', async (count) => {
  const { tabs, server, memory, signInOn } = await openTabs({ count, latencyMs: LATENCY_MS });
  signInOn(tabs[0]!);
  await vi.advanceTimersByTimeAsync(0);
  const writesBefore = memory.counts.setItem;

  // Ten token lifetimes, stopping well before the eleventh refresh is due.
  await vi.advanceTimersByTimeAsync(LIFETIMES * CYCLE_MS + 1_000);

  // A measurement, not a verdict: only check that the session lived through it.
  expect(tabs.every((tab) => tab.store.getState().auth.session !== null)).toBe(true);
  figures[count] = {
    callsPerLifetime: server.counters.refreshCalls / LIFETIMES,
    reuseDetections: server.counters.reuseDetections,
    rejections: server.counters.rejections,
    storageWritesPerLifetime: (memory.counts.setItem - writesBefore) / LIFETIMES,
  };
});
