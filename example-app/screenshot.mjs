#!/usr/bin/env node
// Regenerates the example app's screenshots: a production build served by the
// auth server, the Chromium the browser tests use (CHROMIUM_PATH, default
// /usr/bin/chromium), two tabs signed in to one session.
//
//   node example-app/screenshot.mjs
//
// Writes, under example-app/:
//   screenshot.png                      the dashboard at 1280 px, after a scheduled and a manual refresh
//   screenshots/narrow-390.png          the same dashboard at 390 px wide (whole page)
//   screenshots/other-tab-refresh.png   the log of the tab that did not refresh: "Refreshed in another tab"
//   screenshots/next-refresh.png        the session card: countdown, the meter's refresh tick, "Next refresh in …"
//   screenshots/secure-mode.png         secure mode after a reload: the session card and the log of the restore

/* global document */

import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { CHROMIUM_ARGS, chromiumPath } from './chromium.mjs';
import { startAuthServer } from './server/authServer.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const shots = join(here, 'screenshots');
const executablePath = chromiumPath();

const outDir = await mkdtemp(join(tmpdir(), 'redux-auth-kit-shot-'));
await build({
  configFile: join(here, 'vite.config.ts'),
  logLevel: 'warn',
  build: { outDir, emptyOutDir: true },
});
await mkdir(shots, { recursive: true });
const server = await startAuthServer({ accessTtl: 30, staticDir: outDir });
const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });

/** Waits until `page` shows at least `count` log entries matching `selector` (a 30 s token refreshes at 15 s). */
const entries = (page, selector, count) =>
  page.waitForFunction(
    ({ selector, count }) =>
      document.querySelectorAll(`[data-testid="log-entry"]${selector}`).length >= count,
    { selector, count },
    { timeout: 60_000 },
  );

async function save(target, path, options = {}) {
  await target.screenshot({ path, animations: 'disabled', ...options });
  console.log(`wrote ${relative(process.cwd(), path)}`);
}

try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  await page.goto(server.url);
  await page.getByTestId('login-password').fill('correct horse');
  await page.getByTestId('login-submit').click();
  await page.getByTestId('profile-email').waitFor();
  // A second tab of the same browser: it follows the sign-in and every refresh.
  const otherTab = await context.newPage();
  await otherTab.goto(server.url);
  await otherTab.getByTestId('profile-email').waitFor();

  // The first scheduled refresh, halfway through the token's life (made by whichever tab's timer won),
  // then a manual one here, which the other tab can only have followed.
  await entries(page, ':is([data-event="refresh"], [data-event="other-tab-refresh"])', 1);
  await page.getByTestId('refresh-now').click();
  await entries(page, '[data-event="refresh"][data-trigger="manual"]', 1);
  await entries(otherTab, '[data-event="other-tab-refresh"]', 1);
  // Let the countdown run a little so the meter is part-way down, before the refresh tick.
  await page.waitForFunction(() => {
    const at = Number(
      document.querySelector('[data-testid="token-countdown"]')?.getAttribute('data-expires-at'),
    );
    return at - Date.now() < 23_000;
  });
  for (const tab of [page, otherTab]) await tab.mouse.move(0, 0); // no hover highlight

  await save(page, join(here, 'screenshot.png'));
  await save(page.locator('.card.session'), join(shots, 'next-refresh.png'));
  await save(otherTab.locator('.card.log'), join(shots, 'other-tab-refresh.png'));

  await page.setViewportSize({ width: 390, height: 844 });
  await save(page, join(shots, 'narrow-390.png'), { fullPage: true });

  // Secure mode in a browser of its own: signed in, then reloaded, so the log shows the restore.
  const secure = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const securePage = await secure.newPage();
  await securePage.goto(`${server.url}/?storage=memory`);
  await securePage.getByTestId('login-password').fill('correct horse');
  await securePage.getByTestId('login-submit').click();
  await securePage.getByTestId('profile-email').waitFor();
  await securePage.reload();
  await securePage.getByTestId('profile-email').waitFor();
  await entries(securePage, '[data-event="refresh"][data-trigger="restore"]', 1);
  await securePage.mouse.move(0, 0);
  await save(securePage, join(shots, 'secure-mode.png'), { clip: { x: 0, y: 0, width: 1280, height: 860 } });
} finally {
  await browser.close();
  await server.close();
  await rm(outDir, { recursive: true, force: true });
}
