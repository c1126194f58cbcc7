import { describe, expect, test } from 'vitest';
import { startAuthServer } from '../../example-app/server/authServer.mjs';
import {
  AUTH_NAME,
  browserSuite,
  authCookies,
  clockPasses,
  cookieSession,
  expectDataFromTokenIssuedAt,
  expectOneRefreshPerLifetime,
  FIRST_RETRY_MAX_MS,
  parsePersisted,
  post,
  PROFILE_POLL_MS,
  quietStats,
  served,
  signIn,
  type Harness,
} from './support';

// Short lifetimes so the suite sees real expiry in real time. The library refreshes
// at `expiry − margin`, the margin capped at half the lifetime: a 4 s token is
// refreshed 2 s after it arrived.
const ACCESS_TTL = 4;
const LIFETIME_MS = ACCESS_TTL * 1000;
const REFRESH_TTL = 3600;

const { open } = browserSuite({ accessTtl: ACCESS_TTL, refreshTtl: REFRESH_TTL });

const count = (h: Harness, selector: string): Promise<number> => h.page.locator(selector).count();

describe('the example app, production build, in Chromium', () => {
  test('over two access-token lifetimes every token is refreshed exactly once, before it expires, and the data keeps loading', async () => {
    const h = await open();
    await signIn(h);
    const signedInAt = h.server.stats().issued[0]!.at;

    await clockPasses(signedInAt + LIFETIME_MS);
    const apiCallsAfterFirstLifetime = h.server.stats().apiCalls;
    await clockPasses(signedInAt + 2 * LIFETIME_MS + 500);
    const stats = await quietStats(h.server, LIFETIME_MS);

    expect(stats.logins).toBe(1);
    expect(stats.reuseDetections).toBe(0);
    expect(stats.refreshRejected).toBe(0);
    expect(stats.refreshCalls).toBe(stats.refreshSucceeded);
    // At least two whole lifetimes went by.
    expect(stats.issued.filter((t) => t.expiresAt <= Date.now()).length).toBeGreaterThanOrEqual(2);
    // One refresh per token lifetime: each token but the newest was replaced by exactly one
    // /refresh call, made after half its lifetime and before it expired; the newest is still live.
    expectOneRefreshPerLifetime(stats, LIFETIME_MS);

    // The protected data kept loading through the refreshes, never with a stale token.
    expect(stats.apiUnauthorized).toBe(0);
    expect(stats.apiCalls).toBeGreaterThan(apiCallsAfterFirstLifetime);
    expect(await h.screens.screens(h.page)).not.toContain('profile-error');
    expect(await h.page.getByTestId('auth-header').getAttribute('data-live')).toBe('true');
    const fulfilledAt = Number(await h.page.getByTestId('profile-updated').getAttribute('data-fulfilled-at'));
    expect(Date.now() - fulfilledAt).toBeLessThan(LIFETIME_MS);

    // The app's refresh log shows the same refreshes the server saw.
    expect(await count(h, '[data-testid="log-entry"][data-event="refresh"][data-outcome="ok"]')).toBe(
      stats.refreshSucceeded,
    );
  });

  test('a reload keeps the user signed in and never shows the login form', async () => {
    const h = await open();
    await signIn(h);
    await expect.poll(() => cookieSession(h.context, h.server.url)).not.toBeNull();
    // The recorder sees the login form where it was shown: before signing in.
    expect(await h.screens.screens(h.page)).toContain('login-form');

    await h.page.reload();
    const screens = await h.screens.waitFor(h.page, 'dashboard');

    expect(screens).not.toContain('login-form');
    // The access token was still live: no restoring step either, straight to the app.
    expect(screens).not.toContain('restoring');
    await expect.poll(() => h.page.getByTestId('user-name').textContent()).toBe('Ada Lovelace');
    await h.page.getByTestId('profile-email').waitFor();
    const stats = h.server.stats();
    expect(stats.logins).toBe(1);
    expect(stats.reuseDetections).toBe(0);
    expect(stats.apiUnauthorized).toBe(0);
  });

  test('a reload after the access token expired is restored by exactly one refresh, without the login form', async () => {
    const h = await open();
    await signIn(h);
    await expect.poll(() => cookieSession(h.context, h.server.url)).not.toBeNull();

    // Leave the app (no timers run, nothing refreshes) until the access token is dead.
    await h.page.goto('about:blank');
    const stored = (await cookieSession(h.context, h.server.url))!;
    const before = h.server.stats();
    expect(stored.generation, 'the stored token is the newest one').toBe(before.refreshSucceeded);
    await clockPasses(stored.expiresAt! + 250);
    expect(before.issued.at(-1)!.expiresAt).toBeLessThan(Date.now());

    await h.page.goto(h.server.url);
    const screens = await h.screens.waitFor(h.page, 'dashboard');
    const after = h.server.stats();

    expect(screens).not.toContain('login-form');
    expect(screens).toContain('restoring');
    expect(after.refreshCalls).toBe(before.refreshCalls + 1);
    expect(after.refreshSucceeded).toBe(before.refreshSucceeded + 1);
    expect(after.reuseDetections).toBe(0);
    expect(after.logins).toBe(1);
    await h.page.getByTestId('profile-email').waitFor();
    // The data was fetched with the new token only: no request went out with the dead one.
    expect(h.server.stats().apiUnauthorized).toBe(0);
    expect(
      await count(
        h,
        '[data-testid="log-entry"][data-event="refresh"][data-trigger="restore"][data-outcome="ok"]',
      ),
    ).toBe(1);
  });

  test('in cookie mode the session cookie is SameSite=Lax, Path=/, lives as long as the refresh token, and sign-out removes it', async () => {
    const h = await open();
    await signIn(h);
    await expect.poll(() => cookieSession(h.context, h.server.url)).not.toBeNull();
    expect(await h.page.getByTestId('storage-mode').textContent()).toBe('Cookie');

    const session = (await cookieSession(h.context, h.server.url))!;
    const cookies = await authCookies(h.context, h.server.url);
    expect(cookies.map((c) => c.name)).toEqual([AUTH_NAME]);
    for (const cookie of cookies) {
      expect(cookie.sameSite).toBe('Lax');
      expect(cookie.path).toBe('/');
      expect(cookie.httpOnly).toBe(false);
      expect(cookie.secure).toBe(false); // plain http on 127.0.0.1
      expect(cookie.expires).toBeCloseTo(session.refreshExpiresAt! / 1000, -1);
      expect(Math.abs(cookie.expires - (Date.now() / 1000 + REFRESH_TTL))).toBeLessThan(30);
    }
    for (const cookie of await h.context.cookies()) {
      expect(Buffer.byteLength(cookie.name + cookie.value)).toBeLessThanOrEqual(4096);
    }
    expect(await h.page.evaluate((key) => localStorage.getItem(key), AUTH_NAME)).toBeNull();

    // A refresh rotates the refresh token, and the cookie follows it.
    await expect
      .poll(async () => (await cookieSession(h.context, h.server.url))?.refreshToken, {
        timeout: LIFETIME_MS * 2,
      })
      .not.toBe(session.refreshToken);
    const current = (await cookieSession(h.context, h.server.url))!;

    await h.page.getByTestId('sign-out').click();
    await h.page.getByTestId('login-form').waitFor();
    expect(await h.page.getByTestId('session-ended').getAttribute('data-reason')).toBe('user');
    await expect.poll(() => authCookies(h.context, h.server.url)).toEqual([]);

    // The server put the refresh token's family on its deny-list.
    await expect.poll(() => h.server.stats().logouts).toBe(1);
    const reuse = await post(`${h.server.url}/refresh`, { refreshToken: current.refreshToken });
    expect(reuse.status).toBe(401);
    expect(((await reuse.json()) as { error: string }).error).toBe('revoked');
  });

  test('a session too large for one cookie is split into cookies of at most 4096 bytes that survive a reload', async () => {
    const h = await open();
    // A long name makes both the access token and the user state large.
    const username = `grace.${'hopper'.repeat(200)}`;
    await signIn(h, username);
    await expect.poll(() => cookieSession(h.context, h.server.url)).not.toBeNull();

    const cookies = await authCookies(h.context, h.server.url);
    expect(cookies.length).toBeGreaterThan(2);
    for (const cookie of await h.context.cookies()) {
      expect(Buffer.byteLength(cookie.name + cookie.value)).toBeLessThanOrEqual(4096);
    }
    const [first] = cookies;
    for (const cookie of cookies) {
      expect(cookie.sameSite).toBe('Lax');
      expect(cookie.path).toBe('/');
      expect(cookie.expires).toBe(first!.expires);
    }
    const session = (await cookieSession(h.context, h.server.url))!;
    expect(session.userState?.email).toBe(`${username}@example.com`);

    await h.page.reload();
    const screens = await h.screens.waitFor(h.page, 'dashboard');
    expect(screens).not.toContain('login-form');
    await expect
      .poll(() => h.page.getByTestId('profile-email').textContent())
      .toBe(`${username}@example.com`);

    await h.page.getByTestId('sign-out').click();
    await h.page.getByTestId('login-form').waitFor();
    await expect.poll(() => authCookies(h.context, h.server.url)).toEqual([]);
  });

  test('switching storage moves the session between cookie and localStorage without signing out', async () => {
    const h = await open();
    await signIn(h);
    await expect.poll(() => cookieSession(h.context, h.server.url)).not.toBeNull();

    const toLocal = h.page.waitForEvent('load');
    await h.page.getByTestId('storage-localstorage').click();
    await toLocal;
    let screens = await h.screens.waitFor(h.page, 'dashboard');
    expect(screens).not.toContain('login-form');
    expect(await h.page.getByTestId('storage-mode').textContent()).toBe('localStorage');
    expect(await authCookies(h.context, h.server.url)).toEqual([]);
    const raw = await h.page.evaluate((key) => localStorage.getItem(key), AUTH_NAME);
    expect(parsePersisted(raw!)?.userState?.name).toBe('Ada Lovelace');

    const toCookie = h.page.waitForEvent('load');
    await h.page.getByTestId('storage-cookie').click();
    await toCookie;
    screens = await h.screens.waitFor(h.page, 'dashboard');
    expect(screens).not.toContain('login-form');
    expect(await h.page.getByTestId('storage-mode').textContent()).toBe('Cookie');
    expect(await cookieSession(h.context, h.server.url)).not.toBeNull();
    expect(await h.page.evaluate((key) => localStorage.getItem(key), AUTH_NAME)).toBeNull();

    const stats = h.server.stats();
    expect(stats.logins).toBe(1);
    expect(stats.reuseDetections).toBe(0);
    expect(stats.refreshRejected).toBe(0);
  });

  test('a 401 from the API is answered by one refresh and one retry, and the data never shows an error', async () => {
    // Long-lived tokens: no scheduled refresh during this test, so every refresh is the 401's.
    const h = await open(60);
    await signIn(h);
    await h.page.getByTestId('profile-email').waitFor();
    const before = h.server.stats();
    expect(before.refreshCalls).toBe(0);

    // The server stops accepting the current access token; its refresh token stays good.
    expect(h.server.revokeAccessTokens()).toBe(1);
    await expect.poll(() => h.server.stats().apiUnauthorized, { timeout: 10_000 }).toBe(1);
    await expect.poll(() => served(h.server.stats())).toBeGreaterThan(served(before));

    const after = h.server.stats();
    expect(after.refreshCalls).toBe(1);
    expect(after.refreshSucceeded).toBe(1);
    expect(after.reuseDetections).toBe(0);
    expect(after.apiUnauthorized).toBe(1);
    // The page shows data fetched with the new token, and never showed an error.
    await expectDataFromTokenIssuedAt(h.page, after.issued[1]!.at);
    expect(await h.screens.screens(h.page)).not.toContain('profile-error');
    expect(await count(h, '[data-testid="log-entry"][data-event="refresh"][data-outcome="ok"]')).toBe(1);
  });

  test('when the server revokes the refresh token the app signs out cleanly at the next refresh', async () => {
    const h = await open();
    await signIn(h);
    await h.page.getByTestId('profile-email').waitFor();

    const revoked = await post(`${h.server.url}/__revoke`, {});
    expect(((await revoked.json()) as { revoked: number }).revoked).toBe(1);

    await h.page.getByTestId('login-form').waitFor({ timeout: LIFETIME_MS * 2 });
    expect(await h.page.getByTestId('session-ended').getAttribute('data-reason')).toBe('rejected');
    const atSignOut = h.server.stats();
    expect(atSignOut.refreshRejected).toBe(1);
    expect(atSignOut.refreshLog.at(-1)?.reason).toBe('revoked');
    expect(atSignOut.reuseDetections).toBe(0);
    await expect.poll(() => authCookies(h.context, h.server.url)).toEqual([]);
    expect(await h.page.evaluate((key) => localStorage.getItem(key), AUTH_NAME)).toBeNull();

    // Nothing keeps running after sign-out: no retries, no polling with a dead token. Wait until
    // a retry of the rejected refresh and the next poll of the data would both have been due.
    const rejectedAt = atSignOut.refreshLog.at(-1)!.at;
    const lastRequestAt = atSignOut.apiLog.at(-1)!.at;
    await clockPasses(
      Math.max(Date.now(), rejectedAt + FIRST_RETRY_MAX_MS, lastRequestAt + PROFILE_POLL_MS) + 500,
    );
    const later = h.server.stats();
    expect(later.refreshCalls).toBe(atSignOut.refreshCalls);
    expect(later.apiCalls).toBe(atSignOut.apiCalls);
    expect(later.apiUnauthorized).toBe(0);
    expect(await h.screens.screens(h.page)).not.toContain('restoring');
  });
});

describe('the demo server on its own', () => {
  test('its state-changing admin routes exist only with testHooks, while the stats stay readable', async () => {
    const plain = await startAuthServer();
    const hooked = await startAuthServer({ testHooks: true });
    try {
      // What any web page could send to a running `npm start`: a cross-site POST needs no preflight.
      for (const route of ['/__revoke', '/__revoke-access']) {
        expect((await post(`${plain.url}${route}`, {})).status, `${route} without testHooks`).toBe(404);
        expect((await post(`${hooked.url}${route}`, {})).status, `${route} with testHooks`).toBe(200);
      }
      const login = await post(`${plain.url}/login`, { username: 'ada', password: 'x' });
      const { refreshToken } = (await login.json()) as { refreshToken: string };
      expect(plain.stats().revocations).toBe(0);
      // The session the refused /__revoke would have ended still refreshes.
      expect((await post(`${plain.url}/refresh`, { refreshToken })).status).toBe(200);
      const stats = await fetch(`${plain.url}/__stats`);
      expect(stats.status).toBe(200);
      expect(((await stats.json()) as { refreshSucceeded: number }).refreshSucceeded).toBe(1);
    } finally {
      await Promise.all([plain.close(), hooked.close()]);
    }
  });
});
