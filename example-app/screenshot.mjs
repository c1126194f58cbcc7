#!/usr/bin/env node
// Regenerates example-app/screenshot.png (used in the README): a production
// build served by the auth server, Debian's Chromium, a signed-in session after
// one scheduled and one manual refresh.
//
//   node example-app/screenshot.mjs

/* global document */

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { startAuthServer } from './server/authServer.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = await mkdtemp(join(tmpdir(), 'redux-auth-kit-shot-'));
await build({
  configFile: join(here, 'vite.config.ts'),
  logLevel: 'warn',
  build: { outDir, emptyOutDir: true },
});
const server = await startAuthServer({ accessTtl: 30, staticDir: outDir });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  await page.goto(server.url);
  await page.getByTestId('login-password').fill('correct horse');
  await page.getByTestId('login-submit').click();
  const refreshes = (n) =>
    page.waitForFunction(
      (count) => document.querySelectorAll('[data-testid="log-entry"][data-event="refresh"]').length >= count,
      n,
      { timeout: 60_000 },
    );
  await refreshes(1); // the first scheduled refresh, halfway through the token's life
  await page.getByTestId('refresh-now').click();
  await refreshes(2);
  // Let the countdown run a little so the meter is part-way down.
  await page.waitForFunction(() => {
    const at = Number(
      document.querySelector('[data-testid="token-countdown"]')?.getAttribute('data-expires-at'),
    );
    return at - Date.now() < 21_000;
  });
  await page.mouse.move(0, 0); // no hover highlight
  const path = join(here, 'screenshot.png');
  await page.screenshot({ path });
  console.log(`wrote ${path}`);
} finally {
  await browser.close();
  await server.close();
  await rm(outDir, { recursive: true, force: true });
}
