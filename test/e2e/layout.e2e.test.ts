import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { browserSuite, signIn, type Harness } from './support';

// Long-lived tokens: nothing refreshes on its own while a test looks at the layout.
const { open } = browserSuite({ accessTtl: 60, refreshTtl: 3600 });

interface Overflow {
  viewport: number;
  scrollWidth: number;
  /** Elements reaching past the left or right edge of the viewport, by test id or tag and class. */
  outside: string[];
}

/** How far the page reaches sideways: the document's scroll width, and every element past an edge. */
function horizontalOverflow(page: Page): Promise<Overflow> {
  return page.evaluate(() => {
    const viewport = document.documentElement.clientWidth;
    const outside = [...document.body.querySelectorAll('*')]
      .filter((element) => {
        const box = element.getBoundingClientRect();
        return box.width > 0 && (box.right > viewport + 0.5 || box.left < -0.5);
      })
      .map(
        (element) =>
          element.getAttribute('data-testid') ?? `${element.tagName.toLowerCase()}.${element.className}`,
      );
    return { viewport, scrollWidth: document.documentElement.scrollWidth, outside };
  });
}

/** Expects nothing to reach past the viewport's edges, and each of `testIds` to be wholly on screen. */
async function expectFitsWidth(page: Page, width: number, testIds: string[]): Promise<void> {
  const overflow = await horizontalOverflow(page);
  expect(overflow.viewport).toBe(width);
  expect(overflow.outside).toEqual([]);
  expect(overflow.scrollWidth).toBeLessThanOrEqual(width);
  for (const testId of testIds) {
    const box = await page.getByTestId(testId).boundingBox();
    expect(box, `${testId} is rendered`).not.toBeNull();
    expect(box!.x, `${testId} left edge`).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width, `${testId} right edge`).toBeLessThanOrEqual(width);
  }
}

/** Signs in as `username`, then adds a manual refresh to the log: the dashboard as a user sees it. */
async function dashboardWithLog(h: Harness, username: string): Promise<void> {
  await signIn(h, username);
  await h.page.getByTestId('profile-email').waitFor();
  await h.page.getByTestId('refresh-now').click();
  await expect
    .poll(() => h.page.locator('[data-testid="log-entry"][data-event="refresh"][data-outcome="ok"]').count())
    .toBe(1);
}

/** The left edge and width of each log column's header, in px. */
function columnEdges(page: Page): Promise<{ left: number; width: number }[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('[data-testid="refresh-log"] th')].map((th) => {
      const box = th.getBoundingClientRect();
      return { left: Math.round(box.left), width: Math.round(box.width) };
    }),
  );
}

/** The left edge of every cell of every log row, in px, row by row. */
function cellLefts(page: Page): Promise<number[][]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('[data-testid="log-entry"]')].map((row) =>
      [...row.querySelectorAll('td')].map((td) => Math.round(td.getBoundingClientRect().left)),
    ),
  );
}

describe('the example app on a narrow screen, production build, in Chromium', () => {
  for (const { width, username } of [
    { width: 390, username: 'ada.lovelace' },
    // The narrowest phone we support, with a name and address long enough to need wrapping or cutting.
    { width: 360, username: 'margaret.heafield.hamilton.apollo' },
  ]) {
    test(`at ${width} px wide nothing overflows sideways, on the login form or the dashboard, and Sign out, the storage switch and Refresh now are on screen (user ${username})`, async () => {
      const h = await open();
      await h.page.setViewportSize({ width, height: 844 });
      await h.page.goto(h.server.url);
      await h.page.getByTestId('login-form').waitFor();
      await expectFitsWidth(h.page, width, ['login-submit', 'storage-cookie', 'storage-localstorage']);

      await dashboardWithLog(h, username);
      await expectFitsWidth(h.page, width, [
        'sign-out',
        'user-name',
        'storage-cookie',
        'storage-localstorage',
        'refresh-now',
        'next-refresh',
        'token-countdown',
        'profile-email',
        'refresh-log',
      ]);
    });
  }
});

describe('the refresh log, production build, in Chromium', () => {
  test('its columns stay where they are as entries of different lengths arrive', async () => {
    const h = await open();
    await signIn(h);
    const entries = h.page.getByTestId('log-entry');
    await expect.poll(() => entries.count()).toBe(1);
    const columns = await columnEdges(h.page);
    expect(columns).toHaveLength(4);

    // A manual refresh, then one that fails (the request never reaches the server), then the retry
    // that succeeds: rows with longer event, outcome and detail texts than the sign-in's.
    await h.page.getByTestId('refresh-now').click();
    await expect.poll(() => entries.count()).toBe(2);
    await h.page.route('**/refresh', (route) => route.abort());
    await h.page.getByTestId('refresh-now').click();
    await expect
      .poll(() => h.page.locator('[data-testid="log-entry"][data-outcome="retrying"]').count())
      .toBeGreaterThanOrEqual(1);
    await h.page.unroute('**/refresh');
    await expect
      .poll(() => h.page.locator('[data-testid="log-entry"][data-outcome="ok"]').count(), { timeout: 10_000 })
      .toBe(2);

    expect(await columnEdges(h.page)).toEqual(columns);
    // Every row's cells line up under the headers.
    const headerLefts = columns.map((c) => c.left);
    for (const lefts of await cellLefts(h.page)) expect(lefts).toEqual(headerLefts);
  });
});
