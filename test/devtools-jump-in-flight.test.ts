import { describe, expect, test } from 'vitest';
import { selectRefreshToken } from 'redux-auth-kit';
import { withFakeClock } from './support/clock';
import {
  answersOf,
  expectOnlyLiveTokensSent,
  LIFETIME,
  openDevToolsBrowser,
  REDUCER_KINDS,
  TIMEOUT,
  type DevToolsTab,
} from './support/devtools';

withFakeClock();

const targets = [
  {
    past: 'an earlier state of the generation being refreshed',
    target: (tab: DevToolsTab) => tab.lastIdOf('auth/refreshSucceeded'),
  },
  { past: 'a state of an older generation', target: (tab: DevToolsTab) => tab.lastIdOf('auth/signIn') },
];

const whens = [
  { when: 'while the past state is still shown', backBeforeAnswer: false },
  { when: 'after jumping back to the present first', backBeforeAnswer: true },
];

describe.each(REDUCER_KINDS)('%s reducer: a DevTools jump while a refresh is in flight', (kind) => {
  for (const { past, target } of targets) {
    for (const { when, backBeforeAnswer } of whens) {
      test(
        `after a jump to ${past}, the answer arriving ${when} is applied to the live history and the next refresh sends the newest refresh token`,
        async () => {
          const browser = openDevToolsBrowser({ kind });
          const tab = await browser.openTab();
          const login = tab.signIn();
          await browser.advance(LIFETIME / 2 + 1_000); // first refresh: generation 1
          tab.note();
          // The second refresh is due 30 s after the first token arrived; its answer takes 5 s.
          tab.client.delayNext(5_000);
          await browser.advance(LIFETIME / 2);
          expect(tab.calls, 'the second refresh is in flight').toHaveLength(2);
          expect(tab.live().auth.refresh.status).toBe('refreshing');

          tab.jumpToAction(target(tab));
          expect(tab.isShowingPast()).toBe(true);
          if (backBeforeAnswer) {
            await browser.advance(1_000);
            tab.showPresent();
          }
          await browser.advance(10_000);

          // The server rotated once more; the live history holds what it answered.
          expect(answersOf(browser.server), 'what the server answered').toEqual(['ok', 'ok']);
          const newest = browser.server.issued.at(-1)!;
          expect(browser.server.current(login.family)).toBe(newest);
          expect(selectRefreshToken(tab.live()), 'the live history has the answer').toBe(newest);
          expect(tab.live().auth.session?.generation).toBe(2);
          expect(tab.live().auth.refresh.status).toBe('idle');
          expect(tab.calls, 'nothing else was sent meanwhile').toHaveLength(2);

          tab.showPresent();
          const pending = tab.refreshNow();
          await browser.advance(1_000);
          await expect(pending).resolves.toEqual({ ok: true });
          expect(tab.calls.at(-1)?.refreshToken, 'the next refresh sends the newest token').toBe(newest);
          // And the refreshes after it, on schedule.
          await browser.advance(2 * LIFETIME);
          expectOnlyLiveTokensSent(browser.server);
          expect(selectRefreshToken(tab.shown())).toBe(browser.server.current(login.family));
        },
        TIMEOUT,
      );
    }
  }
});
