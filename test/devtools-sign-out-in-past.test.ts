// @vitest-environment jsdom
import { describe, expect, test } from 'vitest';
import { selectIsAuthenticated, selectRefreshToken } from 'redux-auth-kit';
import { withFakeClock } from './support/clock';
import {
  answersOf,
  expectOnlyLiveTokensSent,
  LIFETIME,
  openDevToolsBrowser,
  REDUCER_KINDS,
  TIMEOUT,
  type DevToolsBrowser,
  type DevToolsTab,
} from './support/devtools';

withFakeClock();

const targets = [
  {
    past: 'an earlier state of the current generation',
    // The state right before the app action that followed the refresh.
    target: (tab: DevToolsTab) => {
      const ids = tab.history().stagedActionIds;
      return ids[ids.indexOf(tab.lastIdOf('notes/noted')) - 1]!;
    },
  },
  { past: 'a state of an older generation', target: (tab: DevToolsTab) => tab.lastIdOf('auth/signIn') },
];

/** Signed out everywhere: both tabs' live sessions, B's shown state, and storage. */
function expectSignedOutEverywhere(browser: DevToolsBrowser, a: DevToolsTab, b: DevToolsTab): void {
  const left = browser.tokensInStorage();
  expect(left, `tokens left in storage: ${left.join(', ')}`).toEqual([]);
  expect(selectIsAuthenticated(a.live()), 'tab A, live history').toBe(false);
  expect(selectIsAuthenticated(b.live()), 'tab B, live history').toBe(false);
  expect(selectIsAuthenticated(b.shown()), 'tab B').toBe(false);
}

describe.each(REDUCER_KINDS)('%s reducer: signOut while DevTools shows a past state', (kind) => {
  for (const storage of ['memory', 'localstorage'] as const) {
    for (const { past, target } of targets) {
      test(
        `over ${storage} storage, a signOut dispatched while ${past} is shown ends the session in storage and in the other tab, nothing revives it, nothing is sent, and the present shows signed out`,
        async () => {
          const browser = openDevToolsBrowser({ kind, storage });
          const a = await browser.openTab();
          const b = await browser.openTab();
          const login = a.signIn();
          await browser.advance(1_000);
          expect(selectRefreshToken(b.shown()), 'tab B adopted the sign-in').toBe(login.refreshToken);
          // One refresh (by either tab); both tabs follow it.
          await browser.advance(LIFETIME / 2);
          const live = browser.server.current(login.family)!;
          expect(answersOf(browser.server)).toEqual(['ok']);
          expect(selectRefreshToken(a.live())).toBe(live);
          expect(selectRefreshToken(b.live())).toBe(live);
          a.note();

          a.jumpToAction(target(a));
          expect(a.isShowingPast()).toBe(true);
          const from = Date.now();
          a.signOut();
          await browser.advance(2_000);
          expectSignedOutEverywhere(browser, a, b);

          // Ten token lifetimes later: still signed out everywhere, and nothing was sent.
          await browser.advance(10 * LIFETIME);
          expectSignedOutEverywhere(browser, a, b);
          expect(
            browser.server.log
              .filter((call) => call.at >= from)
              .map((call) => `${call.tab}: ${call.refreshToken}`),
            'refresh calls after the sign-out',
          ).toEqual([]);
          expect([...a.callsSince(from), ...b.callsSince(from)]).toEqual([]);

          a.showPresent();
          expect(selectIsAuthenticated(a.shown()), 'the present, in tab A').toBe(false);
          await browser.advance(5_000);
          expectSignedOutEverywhere(browser, a, b);
          expect(selectIsAuthenticated(a.shown())).toBe(false);
          expect([...a.callsSince(from), ...b.callsSince(from)]).toEqual([]);
          expectOnlyLiveTokensSent(browser.server);
        },
        TIMEOUT,
      );
    }
  }
});
