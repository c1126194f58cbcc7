import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Cookie,
  type Page,
} from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { CHROMIUM_ARGS, chromiumPath } from '../../example-app/chromium.mjs';
import {
  startAuthServer,
  type AuthServer,
  type AuthServerOptions,
  type AuthServerStats,
} from '../../example-app/server/authServer.mjs';

/** The app's cookie name / localStorage key. */
export const AUTH_NAME = '_auth';
/** How often the app's profile card polls the protected API (`PROFILE_POLL_MS` in ProfileCard.tsx). */
export const PROFILE_POLL_MS = 2000;
/** The longest first retry after a failed refresh: the library's default `retryDelay` (2 s), before jitter halves it. */
export const FIRST_RETRY_MAX_MS = 2000;

const exampleApp = fileURLToPath(new URL('../../example-app/', import.meta.url));

/** A production build of the example app (what `npm start` serves) in a temporary directory. */
export async function buildApp(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const { build } = await import('vite');
  const dir = await mkdtemp(join(tmpdir(), 'redux-auth-kit-e2e-'));
  // Vitest sets NODE_ENV=test, and Vite builds what NODE_ENV says: React's development
  // build, not the one users get. Build as `npm start` does.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: join(exampleApp, 'vite.config.ts'),
      mode: 'production',
      logLevel: 'warn',
      build: { outDir: dir, emptyOutDir: true, sourcemap: false },
    });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Launches the Chromium `CHROMIUM_PATH` names (default /usr/bin/chromium). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
}

/** What a document rendered: the app's top-level screens, and the protected data's error state. */
export type Screen = 'app-loading' | 'restoring' | 'login-form' | 'dashboard' | 'profile-error';
const SCREENS: Screen[] = ['app-loading', 'restoring', 'login-form', 'dashboard', 'profile-error'];

/**
 * Records, per document, every screen (by `data-testid`) that was ever inserted into the DOM —
 * even one removed again in the same task, so a one-frame flash of the login
 * form is caught. Installed before any page script runs, on every navigation.
 */
export class ScreenRecorder {
  private readonly seen = new Map<number, Screen[]>();

  static async install(context: BrowserContext): Promise<ScreenRecorder> {
    const recorder = new ScreenRecorder();
    await context.exposeBinding('__e2eScreen', (_source, doc: number, screen: Screen) => {
      const list = recorder.seen.get(doc) ?? [];
      if (!list.includes(screen)) list.push(screen);
      recorder.seen.set(doc, list);
    });
    await context.addInitScript((screens: string[]) => {
      const doc = performance.timeOrigin;
      const report = (window as unknown as { __e2eScreen: (doc: number, screen: string) => void })
        .__e2eScreen;
      const seen = new Set<string>();
      const inspect = (node: Node): void => {
        if (!(node instanceof Element)) return;
        for (const screen of screens) {
          if (seen.has(screen)) continue;
          const selector = `[data-testid="${screen}"]`;
          if (node.matches(selector) || node.querySelector(selector) !== null) {
            seen.add(screen);
            report(doc, screen);
          }
        }
      };
      new MutationObserver((records) => {
        for (const record of records) record.addedNodes.forEach(inspect);
      }).observe(document, { childList: true, subtree: true });
    }, SCREENS);
    return recorder;
  }

  /** The screens the page's current document rendered so far. */
  async screens(page: Page): Promise<Screen[]> {
    const doc = await page.evaluate(() => performance.timeOrigin);
    return [...(this.seen.get(doc) ?? [])];
  }

  /** Waits until the current document has rendered `screen`, then returns all it rendered. */
  async waitFor(page: Page, screen: Screen, timeout = 15_000): Promise<Screen[]> {
    await expect.poll(() => this.screens(page), { timeout, interval: 50 }).toContain(screen);
    return this.screens(page);
  }
}

/** Set E2E_TIMINGS=1 to print what a test measured. */
export function measured(label: string, values: Record<string, unknown>): void {
  if (process.env.E2E_TIMINGS) console.info(`[e2e] ${label}: ${JSON.stringify(values)}`);
}

/** A server and a browser context for one test; `close()` closes both. */
export interface Harness {
  server: AuthServer;
  context: BrowserContext;
  page: Page;
  screens: ScreenRecorder;
  /** Uncaught exceptions in the page. */
  pageErrors: Error[];
  close: () => Promise<void>;
}

export async function openHarness(
  browser: Browser,
  staticDir: string,
  options: AuthServerOptions = {},
  contextOptions: BrowserContextOptions = {},
): Promise<Harness> {
  // The tests drive the server through its admin routes (POST /__revoke, /__revoke-access).
  const server = await startAuthServer({ staticDir, testHooks: true, ...options });
  let context: BrowserContext | null = null;
  try {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...contextOptions });
    const screens = await ScreenRecorder.install(context);
    const page = await context.newPage();
    const pageErrors: Error[] = [];
    page.on('pageerror', (error) => pageErrors.push(error));
    const opened = context;
    return {
      server,
      context: opened,
      page,
      screens,
      pageErrors,
      close: async () => {
        await opened.close();
        await server.close();
      },
    };
  } catch (error) {
    await context?.close();
    await server.close();
    throw error;
  }
}

/** Opens the app and signs in through the form. */
export async function signIn(h: Harness, username = 'ada.lovelace'): Promise<void> {
  await h.page.goto(h.server.url);
  await h.page.getByTestId('login-username').fill(username);
  await h.page.getByTestId('login-password').fill('correct horse');
  await h.page.getByTestId('login-submit').click();
  await h.page.getByTestId('dashboard').waitFor();
}

/**
 * One refresh per token lifetime (`lifetimeMs`), counted over every page: each token but the
 * newest was replaced by exactly one /refresh call, after half its lifetime and before it
 * expired; the newest is still live.
 */
export function expectOneRefreshPerLifetime(stats: AuthServerStats, lifetimeMs: number): void {
  const last = stats.issued.length - 1;
  stats.issued.forEach((token, i) => {
    const replacing = stats.refreshLog.filter((e) => e.replaces === i);
    expect(replacing.length, `refreshes of token ${i}`).toBe(i === last ? 0 : 1);
    if (i === last) {
      expect(token.expiresAt).toBeGreaterThan(Date.now());
      return;
    }
    expect(replacing[0]!.ok, `refresh of token ${i} succeeded`).toBe(true);
    expect(replacing[0]!.at).toBeGreaterThanOrEqual(token.at + lifetimeMs / 2 - 250);
    expect(replacing[0]!.at).toBeLessThan(token.expiresAt);
  });
}

/** API requests the server answered with data (not with a 401). */
export const served = (s: AuthServerStats): number => s.apiCalls - s.apiUnauthorized;

/**
 * Waits until the page shows data fetched with a token issued at `issuedAt` (epoch ms) or later.
 * The page shows the token's `iat`, in whole seconds.
 */
export async function expectDataFromTokenIssuedAt(page: Page, issuedAt: number): Promise<void> {
  await expect
    .poll(async () => Number(await page.getByTestId('profile-token').getAttribute('data-issued-at')))
    .toBeGreaterThanOrEqual(Math.floor(issuedAt / 1000) * 1000);
}

/** Waits (polling) until the wall clock passes `at` (epoch ms): for real token lifetimes to run out. */
export async function clockPasses(at: number): Promise<void> {
  await expect
    .poll(() => Date.now(), { timeout: Math.max(5_000, at - Date.now() + 5_000), interval: 50 })
    .toBeGreaterThan(at);
}

/** How long after a token was issued every page is sure to hold it (and to have logged its refresh). */
const SETTLE_MS = 250;

/**
 * The server's stats at a quiet point of the refresh cycle, polling until there is one: no /refresh
 * call in flight, the newest access token issued at least {@link SETTLE_MS} ago (every page has it)
 * and its refresh not due yet (half its lifetime, as the app schedules it). What the server counted
 * and what the pages show then agree.
 */
export async function quietStats(server: AuthServer, lifetimeMs: number): Promise<AuthServerStats> {
  const quiet: { stats?: AuthServerStats } = {};
  await expect
    .poll(
      () => {
        const stats = server.stats();
        const newest = stats.issued.at(-1);
        const now = Date.now();
        const isQuiet =
          stats.refreshInFlight === 0 &&
          newest !== undefined &&
          now >= newest.at + SETTLE_MS &&
          now <= newest.at + lifetimeMs / 2 - SETTLE_MS;
        if (isQuiet) quiet.stats = stats;
        return isQuiet;
      },
      { timeout: lifetimeMs * 2, interval: 10 },
    )
    .toBe(true);
  return quiet.stats!;
}

/** The auth cookies: `_auth` and its chunks `_auth.<i>`. */
export async function authCookies(context: BrowserContext, url: string): Promise<Cookie[]> {
  const cookies = await context.cookies(url);
  return cookies.filter((c) => c.name === AUTH_NAME || c.name.startsWith(`${AUTH_NAME}.`));
}

/** The session the library persisted, as stored: tokens, expiries (epoch ms), user state. */
export interface StoredSession {
  token: string;
  expiresAt: number | null;
  receivedAt: number;
  refreshToken: string | null;
  refreshExpiresAt: number | null;
  generation: number;
  userState: { name: string; email: string } | null;
}

/** Parses redux-persist's blob `{ session: "<json>", _persist: "<json>" }`. */
export function parsePersisted(raw: string): StoredSession | null {
  const outer = JSON.parse(raw) as { session?: unknown };
  return typeof outer.session === 'string' ? (JSON.parse(outer.session) as StoredSession | null) : null;
}

/** The session in the auth cookie(s), joining chunks; `null` when there is none. */
export async function cookieSession(context: BrowserContext, url: string): Promise<StoredSession | null> {
  const cookies = await authCookies(context, url);
  const head = cookies.find((c) => c.name === AUTH_NAME);
  if (head === undefined) return null;
  const value = decodeURIComponent(head.value);
  const chunked = /^chunks:(\d+)$/.exec(value);
  if (chunked === null) return parsePersisted(value);
  const parts = Array.from({ length: Number(chunked[1]) }, (_, i) => {
    const part = cookies.find((c) => c.name === `${AUTH_NAME}.${i}`);
    if (part === undefined) throw new Error(`cookie ${AUTH_NAME}.${i} is missing`);
    return decodeURIComponent(part.value);
  });
  return parsePersisted(parts.join(''));
}

export async function post(url: string, body: unknown): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** Opens another tab in the harness's browser context (same cookies and localStorage) at `url`. */
export async function openTab(h: Harness, url: string = h.server.url): Promise<Page> {
  const page = await h.context.newPage();
  page.on('pageerror', (error) => h.pageErrors.push(error));
  await page.goto(url);
  return page;
}

/** Identifies the document a page shows now: it changes on every navigation or reload. */
export function documentOf(page: Page): Promise<number> {
  return page.evaluate(() => performance.timeOrigin);
}

/**
 * Makes the page report `state` as its `document.visibilityState` and fires
 * `visibilitychange`, as the browser does when a tab is hidden or shown.
 * (Headless Chromium keeps every page visible; this is how a test hides one.)
 */
export async function setVisibility(page: Page, state: 'hidden' | 'visible'): Promise<void> {
  await page.evaluate((next) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => next });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => next === 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
  }, state);
}

/**
 * The lifecycle every browser suite shares: one production build and one
 * Chromium per file, a fresh server and context per test (`open`), closed after
 * it with a check that the page logged no uncaught errors.
 */
export function browserSuite(lifetimes: { accessTtl: number; refreshTtl: number }) {
  let browser: Browser;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let harness: Harness | null = null;

  beforeAll(async () => {
    app = await buildApp();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.remove();
  });

  afterEach(async () => {
    const h = harness;
    harness = null;
    if (h === null) return;
    try {
      expect(h.pageErrors.map(String)).toEqual([]);
    } finally {
      await h.close();
    }
  });

  return {
    async open(accessTtl = lifetimes.accessTtl): Promise<Harness> {
      harness = await openHarness(browser, app.dir, { accessTtl, refreshTtl: lifetimes.refreshTtl });
      return harness;
    },
    /** Like `open`, with more server options (`tls`, say) and browser-context options. */
    async openWith(server: AuthServerOptions, context: BrowserContextOptions = {}): Promise<Harness> {
      harness = await openHarness(browser, app.dir, { ...lifetimes, ...server }, context);
      return harness;
    },
  };
}

/** The library's refresh lock, shared by every tab of the origin. */
export const REFRESH_LOCK = `redux-auth-kit:${AUTH_NAME}`;

/** How many hold and wait for the refresh lock, in every tab of the origin. */
export const lockQueue = (tab: Page): Promise<{ held: number; pending: number }> =>
  tab.evaluate(async (name) => {
    const { held = [], pending = [] } = await navigator.locks.query();
    return {
      held: held.filter((l) => l.name === name).length,
      pending: pending.filter((l) => l.name === name).length,
    };
  }, REFRESH_LOCK);

/** Takes the refresh lock in `tab` (outside the app) until {@link releaseLock}. */
export async function holdLock(tab: Page): Promise<void> {
  await tab.evaluate((name) => {
    void navigator.locks.request(
      name,
      () =>
        new Promise<void>((release) => {
          (window as unknown as { releaseTestLock: () => void }).releaseTestLock = release;
        }),
    );
  }, REFRESH_LOCK);
  await expect.poll(() => lockQueue(tab)).toEqual({ held: 1, pending: 0 });
}

/** Lets go of the lock {@link holdLock} took in `tab`. */
export async function releaseLock(tab: Page): Promise<void> {
  await tab.evaluate(() => (window as unknown as { releaseTestLock: () => void }).releaseTestLock());
}
