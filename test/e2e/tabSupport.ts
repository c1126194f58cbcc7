import type { BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import {
  AUTH_NAME,
  cookieSession,
  openTab,
  parsePersisted,
  type Harness,
  type StoredSession,
} from './support';

// Helpers for the suites that open the app in several tabs of one browser context: they share
// cookies, localStorage, Web Locks and BroadcastChannel, as tabs of one browser profile do.

export type Mode = 'cookie' | 'localstorage';
export const MODE_LABEL: Record<Mode, string> = { cookie: 'cookie', localstorage: 'localStorage' };
/** Every storage choice of the app's switch: the two above, and secure mode (`'memory'`: see secureSupport.ts). */
export type AppMode = Mode | 'memory';

/** The app in `count` tabs of the harness's context, storing the session in `mode`, all on the login form. */
export async function openSignedOutTabs(h: Harness, mode: AppMode, count: number): Promise<Page[]> {
  // The first tab picks the storage (remembered in localStorage); the others read that choice.
  await h.page.goto(`${h.server.url}/?storage=${mode}`);
  const tabs = [h.page];
  for (let i = 1; i < count; i += 1) tabs.push(await openTab(h));
  for (const tab of tabs) {
    await tab.getByTestId('login-form').waitFor();
    expect(await tab.getByTestId('storage-switch').getAttribute('data-storage')).toBe(mode);
  }
  return tabs;
}

export async function submitLogin(page: Page): Promise<void> {
  await page.getByTestId('login-username').fill('ada.lovelace');
  await page.getByTestId('login-password').fill('correct horse');
  await page.getByTestId('login-submit').click();
}

/**
 * Two tabs storing the session in `mode`, signed in through the first, both showing the data.
 * `open` is the suite's (see `browserSuite`).
 */
export async function twoSignedInTabs(
  open: (accessTtl?: number) => Promise<Harness>,
  mode: AppMode,
  accessTtl?: number,
): Promise<{ h: Harness; tabs: [Page, Page] }> {
  const h = await open(accessTtl);
  const tabs = (await openSignedOutTabs(h, mode, 2)) as [Page, Page];
  await submitLogin(tabs[0]);
  for (const tab of tabs) await tab.getByTestId('profile-email').waitFor();
  return { h, tabs };
}

/** The session the tabs stored, wherever `mode` keeps it. */
export async function storedSession(h: Harness, mode: Mode, tab: Page): Promise<StoredSession | null> {
  if (mode === 'cookie') return cookieSession(h.context, h.server.url);
  const raw = await tab.evaluate((key) => localStorage.getItem(key), AUTH_NAME);
  return raw === null ? null : parsePersisted(raw);
}

export async function cookieNames(context: BrowserContext, url: string): Promise<string[]> {
  return (await context.cookies(url)).map((c) => c.name).sort();
}

/** The access-token expiry (epoch ms) a tab holds, as its countdown shows it; `null` when it has none. */
export async function heldExpiry(tab: Page): Promise<number | null> {
  const countdown = tab.getByTestId('token-countdown');
  if ((await countdown.count()) === 0) return null;
  const value = await countdown.getAttribute('data-expires-at');
  return value === null || value === '' ? null : Number(value);
}

/** The log entries of one event a tab shows (`data-event`: 'refresh', 'other-tab-refresh', …). */
export const logEntries = (tab: Page, event: string) =>
  tab.locator(`[data-testid="log-entry"][data-event="${event}"]`);
