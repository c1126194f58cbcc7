import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { browserSuite } from './support';
import { heldExpiry, logEntries, MODE_LABEL, submitLogin, twoSignedInTabs } from './tabSupport';

// 60 s tokens: nothing is refreshed on schedule during these tests, so the only refresh is
// the one a test asks for with "Refresh now".
const ACCESS_TTL = 60;

const { open } = browserSuite({ accessTtl: ACCESS_TTL, refreshTtl: 3600 });

/** When the tab's next-refresh indicator says the next refresh is due (epoch ms); `null` when it names none. */
async function nextRefreshAt(tab: Page): Promise<number | null> {
  const at = await tab.getByTestId('next-refresh').getAttribute('data-at');
  return at === null || at === '' ? null : Number(at);
}

describe('a tab that follows what another tab did to the session, production build, in Chromium', () => {
  for (const mode of ['cookie', 'localstorage'] as const) {
    test(`a tab whose tokens another tab refreshed logs "Refreshed in another tab" and shows the new token and its next refresh (${MODE_LABEL[mode]})`, async () => {
      const { h, tabs } = await twoSignedInTabs(open, mode, ACCESS_TTL);
      const [refresher, follower] = tabs;
      // The sign-in was the refresher's; the follower logged that it came from another tab.
      expect(await logEntries(refresher, 'signed-in').count()).toBe(1);
      expect(await logEntries(follower, 'signed-in').count()).toBe(0);
      expect(await logEntries(follower, 'other-tab-sign-in').count()).toBe(1);
      const before = { expiresAt: (await heldExpiry(follower))!, dueAt: (await nextRefreshAt(follower))! };

      await refresher.getByTestId('refresh-now').click();
      const entry = logEntries(follower, 'other-tab-refresh');
      await expect.poll(() => entry.count()).toBe(1);

      expect(await entry.getByTestId('log-detail').textContent()).toBe(
        `Refreshed in another tab · new access token, valid ${ACCESS_TTL} s`,
      );
      expect(await entry.getAttribute('data-outcome')).toBe('ok');
      expect(await entry.textContent()).toContain('other tab');
      // One call, the refresher's, logged there as its own and nowhere else.
      expect(h.server.stats().refreshCalls).toBe(1);
      expect(await logEntries(refresher, 'refresh').getAttribute('data-trigger')).toBe('manual');
      expect(await logEntries(refresher, 'other-tab-refresh').count()).toBe(0);
      expect(await logEntries(follower, 'refresh').count()).toBe(0);

      // The follower holds the new token: its countdown and its next refresh moved on, to the refresher's.
      const after = { expiresAt: (await heldExpiry(follower))!, dueAt: (await nextRefreshAt(follower))! };
      expect(after.expiresAt).toBeGreaterThan(before.expiresAt);
      expect(after.dueAt).toBeGreaterThan(before.dueAt);
      expect(after).toEqual({
        expiresAt: await heldExpiry(refresher),
        dueAt: await nextRefreshAt(refresher),
      });
    });
  }

  test("a tab that follows another tab's sign-out says on the login form that it was signed out in another tab, and a sign-in there is followed back", async () => {
    const { h, tabs } = await twoSignedInTabs(open, 'cookie', ACCESS_TTL);
    const [leaver, follower] = tabs;

    await leaver.getByTestId('sign-out').click();
    for (const tab of tabs) await tab.getByTestId('login-form').waitFor();

    expect(await leaver.getByTestId('session-ended').getAttribute('data-reason')).toBe('user');
    const notice = follower.getByTestId('session-ended');
    expect(await notice.getAttribute('data-reason')).toBe('other-tab');
    expect(await notice.textContent()).toBe('You were signed out in another tab. Sign in again to continue.');

    // Signing in again from the follower: the other tab follows it and logs where it came from.
    await submitLogin(follower);
    for (const tab of tabs) await tab.getByTestId('dashboard').waitFor();
    await expect.poll(() => logEntries(leaver, 'other-tab-sign-in').count()).toBe(1);
    expect(await logEntries(follower, 'signed-in').count()).toBe(1);
    expect(h.server.stats().logins).toBe(2);
  });
});
