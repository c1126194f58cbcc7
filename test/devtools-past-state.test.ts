// Real @redux-devtools/instrument, fake timers, a rotating server whose access tokens live 60 s
// (LIFETIME: a refresh is due 30 s after each one arrives).
import { describe, expect, test } from 'vitest';
import { selectRefreshToken } from 'redux-auth-kit';
import { withFakeClock } from './support/clock';
import {
  answersOf,
  dueTimesWithin,
  expectAtMostOnePerDueTime,
  expectOnlyLiveTokensSent,
  LIFETIME,
  openDevToolsBrowser,
  REDUCER_KINDS,
  TIMEOUT,
  type DevToolsTab,
} from './support/devtools';

withFakeClock();

const pastStates = [
  {
    past: 'an earlier state of the current token generation',
    // The state the latest refresh left; an app action came after it, in the same generation.
    target: (tab: DevToolsTab) => tab.lastIdOf('auth/refreshSucceeded'),
  },
  {
    past: 'a state of an older token generation',
    target: (tab: DevToolsTab) => tab.lastIdOf('auth/signIn'),
  },
];

describe.each(REDUCER_KINDS)('%s reducer under the DevTools monitor', (kind) => {
  for (const { past, target } of pastStates) {
    test(
      `holding ${past} for 10 token lifetimes sends no refresh token, dispatches at most one library action per due time, and jumping to the present refreshes once with the live token`,
      async () => {
        const browser = openDevToolsBrowser({ kind });
        const tab = await browser.openTab();
        const login = tab.signIn();
        await browser.advance(LIFETIME / 2 + 1_000);
        tab.note();
        // The scenario holds: one refresh so far, and the live history has the family's live token.
        expect(answersOf(browser.server)).toEqual(['ok']);
        const live = tab.live();
        const liveToken = browser.server.current(login.family)!;
        expect(selectRefreshToken(live)).toBe(liveToken);

        tab.jumpToAction(target(tab));
        expect(tab.isShowingPast()).toBe(true);
        const held = tab.shown();
        const from = Date.now();
        const to = from + 10 * LIFETIME;
        await browser.advance(to - from);

        expect(tab.shown(), 'the monitor still shows the state it was asked to').toBe(held);
        expect(
          tab.callsSince(from).map((call) => call.refreshToken),
          'refresh tokens sent while a past state was shown',
        ).toEqual([]);
        expectAtMostOnePerDueTime(
          tab.libraryActions({ from, to }).filter((action) => action.whilePast),
          dueTimesWithin(live, tab.refresh, from, to),
        );
        expectOnlyLiveTokensSent(browser.server);
        expect(browser.tokensInStorage(), 'storage keeps the live session').toContain(liveToken);

        tab.showPresent();
        const back = Date.now();
        await browser.advance(5_000);
        expect(
          tab.callsSince(back).map((call) => call.refreshToken),
          'refresh tokens sent after jumping to the present',
        ).toEqual([liveToken]);
        expectOnlyLiveTokensSent(browser.server);
        expect(selectRefreshToken(tab.shown())).toBe(browser.server.current(login.family));
        expect(tab.logger.error).not.toHaveBeenCalled();
      },
      TIMEOUT,
    );
  }
});
