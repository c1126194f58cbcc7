// @vitest-environment jsdom
import { beforeEach, describe, expect, test, vi } from 'vitest';
import { selectIsAuthenticated, signOut } from 'redux-auth-kit';
import { withFakeClock } from './support/clock';
import { clearCookiesAndLocalStorage, expectNoTokenInCookies, jar } from './support/cookies';
import { expectEveryTokenSentOnce, openTabs } from './support/tabs';

// Tabs of one browser sharing document.cookie (authType 'cookie', no storage
// option), one lock manager and one channel hub; 60 s access tokens, 100 ms calls.
const LATENCY = 100;
const CYCLE = 30_000 + LATENCY;

withFakeClock();
beforeEach(() => {
  clearCookiesAndLocalStorage();
});

describe('cookie storage', () => {
  test.each([2, 5])(
    '%i tabs sharing document.cookie over ten expiry cycles make one refresh call per cycle, send every refresh token once and end on the same tokens',
    async (count) => {
      const { tabs, server, authName, signInOn, expectInSync } = await openTabs({
        count,
        latencyMs: LATENCY,
        persist: 'cookie',
      });
      const login = signInOn(tabs[0]!);
      await vi.advanceTimersByTimeAsync(1);
      expectInSync();

      for (let cycle = 1; cycle <= 10; cycle += 1) {
        await vi.advanceTimersByTimeAsync(CYCLE);
        expect(server.counters.refreshCalls).toBe(cycle);
        const now = expectInSync();
        expect(now.signedIn).toBe(true);
        expect(now.refreshToken).toBe(server.current(login.family));
      }
      expect(server.counters.reuseDetections).toBe(0);
      expectEveryTokenSentOnce(server);
      expect(server.tokensSeen.size).toBe(10);
      // The cookie holds the live refresh token.
      expect(jar().get(authName)).toContain(server.current(login.family));
    },
  );

  test('sign-out in one tab signs out every tab, and no cookie keeps any part of a token', async () => {
    const { tabs, server, authName, signInOn, flushAll, expectInSync } = await openTabs({
      count: 3,
      latencyMs: LATENCY,
      persist: 'cookie',
    });
    signInOn(tabs[0]!);
    await vi.advanceTimersByTimeAsync(2 * CYCLE + 1);
    expect(server.counters.refreshCalls).toBe(2);
    await flushAll();
    expect(jar().has(authName)).toBe(true);

    tabs[2]!.store.dispatch(signOut());
    await vi.advanceTimersByTimeAsync(1);
    for (const tab of tabs) expect(selectIsAuthenticated(tab.store.getState())).toBe(false);
    expectInSync();
    await flushAll();

    expectNoTokenInCookies(authName, [...server.accessTokens, ...server.issued]);
  });
});
