import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startAuthServer, type AuthServer } from '../../example-app/server/authServer.mjs';
import {
  browserSuite,
  clockPasses,
  documentOf,
  expectOneRefreshPerLifetime,
  holdLock,
  measured,
  openTab,
  post,
  quietStats,
  releaseLock,
  type Harness,
} from './support';
import {
  expectNoTokenReadable,
  HINT,
  postAsApp,
  REFRESH_COOKIE,
  refreshCookieOf,
  storedHint,
} from './secureSupport';
import { heldExpiry, logEntries, openSignedOutTabs, submitLogin, twoSignedInTabs } from './tabSupport';

// Secure mode (the app's `authType: 'memory'`): the server keeps the refresh token in an HttpOnly
// cookie on /auth, the access token lives in memory, localStorage holds only the hint that a
// session may exist. Short lifetimes, as in app.e2e.test.ts: a 4 s token is refreshed 2 s after it arrived.
const ACCESS_TTL = 4;
const LIFETIME_MS = ACCESS_TTL * 1000;
const REFRESH_TTL = 3600;

const { open, openWith } = browserSuite({ accessTtl: ACCESS_TTL, refreshTtl: REFRESH_TTL });

/** What the session card says of where the tokens are. */
const STORED_IN = 'Refresh token: HttpOnly cookie, access token in memory';
const OWN_RESTORES =
  '[data-testid="log-entry"][data-event="refresh"][data-trigger="restore"][data-outcome="ok"]';

/** Opens the app in secure mode and signs in through the form, the data shown. */
async function signInSecure(h: Harness): Promise<void> {
  await openSignedOutTabs(h, 'memory', 1);
  await submitLogin(h.page);
  await h.page.getByTestId('profile-email').waitFor();
}

/** The refresh cookie, checked for every attribute the server sets; `secure` only over https. */
async function expectRefreshCookie(h: Harness, secure: boolean) {
  const cookies = await h.context.cookies();
  // No other cookie: no `_auth` session cookie, no generation marker.
  expect(cookies.map((c) => c.name)).toEqual([REFRESH_COOKIE]);
  const cookie = cookies[0]!;
  expect(cookie).toMatchObject({
    httpOnly: true,
    secure,
    sameSite: 'Strict',
    path: '/auth',
    domain: '127.0.0.1',
  });
  // Max-Age is the refresh token's lifetime.
  expect(Math.abs(cookie.expires - (Date.now() / 1000 + REFRESH_TTL))).toBeLessThan(30);
  return cookie;
}

/** Waits until the browser's cookie holds the newest refresh token the server signed: the rotation landed. */
async function expectCookieHoldsNewestRefreshToken(h: Harness): Promise<void> {
  await expect
    .poll(async () => (await refreshCookieOf(h.context))?.value === h.server.tokens().refresh.at(-1))
    .toBe(true);
}

/**
 * The server's stats just after a refresh: quiet (see `quietStats`) with at least a quarter of the
 * newest token's lifetime before the next refresh is due, so a reload now races no scheduled refresh.
 */
async function justAfterARefresh(h: Harness) {
  await expect
    .poll(
      () => {
        const newest = h.server.stats().issued.at(-1)!;
        return Date.now() - newest.at < LIFETIME_MS / 4;
      },
      { timeout: LIFETIME_MS * 2, interval: 10 },
    )
    .toBe(true);
  return quietStats(h.server, LIFETIME_MS);
}

describe('secure mode, production build, in Chromium', () => {
  test('the refresh token is an HttpOnly, SameSite=Strict cookie on /auth, and no token piece is in document.cookie, localStorage or sessionStorage through sign-in, refreshes and a reload', async () => {
    const h = await open();
    // What the app sends to /auth/refresh: no body (no token), and the CSRF header.
    const refreshRequests: { body: string | null; csrfHeader: string | undefined }[] = [];
    h.context.on('request', (request) => {
      if (new URL(request.url()).pathname === '/auth/refresh') {
        refreshRequests.push({ body: request.postData(), csrfHeader: request.headers()['x-requested-with'] });
      }
    });
    await signInSecure(h);
    expect(await h.page.getByTestId('storage-mode').textContent()).toBe(STORED_IN);

    await expectRefreshCookie(h, false); // plain http on 127.0.0.1
    expect(await h.page.evaluate(() => document.cookie)).toBe('');
    expect(await storedHint(h.page)).toEqual(HINT);
    await expectNoTokenReadable(h.server, [h.page]);

    // Two refreshes: each rotates the cookie, and still nothing is readable.
    const signedInAt = h.server.stats().issued[0]!.at;
    for (let n = 1; n <= 2; n += 1) {
      await expect
        .poll(() => h.server.stats().refreshSucceeded, { timeout: LIFETIME_MS * 2 })
        .toBeGreaterThanOrEqual(n);
      await expectCookieHoldsNewestRefreshToken(h);
      await expectNoTokenReadable(h.server, [h.page]);
    }
    await clockPasses(signedInAt + 2 * LIFETIME_MS + 500);
    const stats = await justAfterARefresh(h);
    expect(stats.logins).toBe(1);
    expect(stats.reuseDetections).toBe(0);
    expect(stats.refreshRejected).toBe(0);
    expect(stats.refreshLog.every((e) => e.via === 'cookie')).toBe(true);
    expect(stats.issued.filter((t) => t.expiresAt <= Date.now()).length).toBeGreaterThanOrEqual(2);
    expectOneRefreshPerLifetime(stats, LIFETIME_MS);
    expect(stats.apiUnauthorized).toBe(0);
    expect(refreshRequests.length).toBeGreaterThanOrEqual(stats.refreshCalls);
    expect(refreshRequests.every((r) => r.body === null && r.csrfHeader !== undefined)).toBe(true);

    // A reload: the access token was in memory only, so the hint makes the library restore the
    // session with exactly one refresh, showing "restoring" and never the login form.
    const reloadedAt = Date.now();
    await h.page.reload();
    const screens = await h.screens.waitFor(h.page, 'dashboard');
    const restoreMs = Date.now() - reloadedAt;
    expect(screens).toContain('restoring');
    expect(screens).not.toContain('login-form');
    const afterReload = h.server.stats();
    expect(afterReload.refreshCalls).toBe(stats.refreshCalls + 1);
    expect(afterReload.refreshLog.at(-1)).toMatchObject({
      ok: true,
      via: 'cookie',
      replaces: stats.issued.length - 1,
    });
    expect(await h.page.locator(OWN_RESTORES).count()).toBe(1);
    await expect.poll(() => h.page.getByTestId('user-name').textContent()).toBe('Ada Lovelace');
    await h.page.getByTestId('profile-email').waitFor();
    // The next-refresh indicator knows the restored session is refreshed, half its token's life on.
    const restored = afterReload.issued.at(-1)!;
    const dueAt = Number(await h.page.getByTestId('next-refresh').getAttribute('data-at'));
    expect(dueAt - restored.at).toBeGreaterThanOrEqual(LIFETIME_MS / 2);
    expect(dueAt - restored.at).toBeLessThan(LIFETIME_MS / 2 + 1000);
    await expectCookieHoldsNewestRefreshToken(h);
    await expectNoTokenReadable(h.server, [h.page]);
    expect(h.server.stats().apiUnauthorized).toBe(0);
    measured('secure mode, one tab', {
      tokensBeforeReload: stats.issued.length,
      refreshCallsBeforeReload: stats.refreshCalls,
      refreshCallsForReload: afterReload.refreshCalls - stats.refreshCalls,
      reloadToDashboardMs: restoreMs,
    });
  });

  test('a second tab takes the access token from the open tab without a refresh call, two tabs refresh once per token lifetime in all with no reuse, and a sign-out in one signs out both and clears the cookie', async () => {
    const h = await open();
    await signInSecure(h);
    const first = h.page;

    // A new tab asks the open one for the access token over the BroadcastChannel: no refresh call.
    const second = await openTab(h);
    const screens = await h.screens.waitFor(second, 'dashboard');
    expect(screens).not.toContain('login-form');
    await expect.poll(() => logEntries(second, 'other-tab-restore').count()).toBe(1);
    expect(await second.locator(OWN_RESTORES).count()).toBe(0);
    const openedAt = Date.now();
    const tabs = [first, second];

    // Three lifetimes with both tabs' timers running.
    await clockPasses(openedAt + 3 * LIFETIME_MS + 500);
    const stats = await quietStats(h.server, LIFETIME_MS);
    expect(stats.logins).toBe(1);
    expect(stats.reuseDetections).toBe(0);
    expect(stats.refreshRejected).toBe(0);
    expect(stats.activeFamilies).toBe(1);
    expect(stats.refreshLog.every((e) => e.via === 'cookie')).toBe(true);
    expect(
      stats.issued.filter((t) => t.at >= openedAt && t.expiresAt <= Date.now()).length,
    ).toBeGreaterThanOrEqual(2);
    // Each token but the newest replaced by exactly one call, after half its life: the second tab
    // made no call of its own when it opened.
    expectOneRefreshPerLifetime(stats, LIFETIME_MS);
    expect(stats.apiUnauthorized).toBe(0);
    await expect
      .poll(async () => {
        const held = await Promise.all(tabs.map(heldExpiry));
        return { distinct: new Set(held).size, live: held.every((at) => at !== null && at > Date.now()) };
      })
      .toEqual({ distinct: 1, live: true });
    await expectCookieHoldsNewestRefreshToken(h);
    await expectNoTokenReadable(h.server, tabs);
    measured('secure mode, 2 tabs', {
      tokensIssued: stats.issued.length,
      refreshCalls: stats.refreshCalls,
      refreshesPerToken: stats.issued.map((_, i) => stats.refreshLog.filter((e) => e.replaces === i).length),
      refreshAtFractionOfLifetime: stats.refreshLog.map((e) =>
        Number(((e.at - stats.issued[e.replaces!]!.at) / LIFETIME_MS).toFixed(2)),
      ),
      reuseDetections: stats.reuseDetections,
    });

    // Sign out in the second tab: the first follows within a second; the server revokes the
    // family and clears the cookie; the hint goes too.
    const spent = (await refreshCookieOf(h.context))!.value;
    await second.getByTestId('sign-out').click();
    await expect
      .poll(() => first.getByTestId('login-form').count(), { timeout: 1_000, interval: 10 })
      .toBe(1);
    await second.getByTestId('login-form').waitFor();
    expect(await first.getByTestId('session-ended').getAttribute('data-reason')).toBe('other-tab');
    await expect.poll(() => refreshCookieOf(h.context)).toBeUndefined();
    expect(await h.context.cookies()).toEqual([]);
    for (const tab of tabs) await expect.poll(() => storedHint(tab)).toBeNull();
    const atSignOut = h.server.stats();
    expect(atSignOut.logouts).toBe(1);
    expect(atSignOut.activeFamilies).toBe(0);

    // Nothing runs any more, and the last cookie is dead on the server.
    await clockPasses(Math.max(Date.now() + 250, atSignOut.issued.at(-1)!.at + LIFETIME_MS / 2 + 500));
    const later = h.server.stats();
    expect(later.refreshCalls).toBe(atSignOut.refreshCalls);
    expect(later.apiCalls).toBe(atSignOut.apiCalls);
    const replay = await postAsApp(h.server, '/auth/refresh', spent);
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as { error: string }).error).toBe('revoked');
  });

  test('a restore the server refuses signs out with the reason on the form, clears the hint, and the next reload makes no call', async () => {
    // Long-lived tokens: no scheduled refresh, so the only call is the restore.
    const h = await open(60);
    await signInSecure(h);
    expect(await storedHint(h.page)).toEqual(HINT);
    const revoked = await post(`${h.server.url}/__revoke`, {});
    expect(((await revoked.json()) as { revoked: number }).revoked).toBe(1);

    await h.page.reload();
    const screens = await h.screens.waitFor(h.page, 'login-form');
    expect(screens).toContain('restoring');
    expect(screens).not.toContain('dashboard');
    expect(await h.page.getByTestId('session-ended').getAttribute('data-reason')).toBe('rejected');
    const refused = h.server.stats();
    expect(refused.refreshCalls).toBe(1);
    expect(refused.refreshLog[0]).toMatchObject({ ok: false, reason: 'revoked', via: 'cookie' });
    await expect.poll(() => storedHint(h.page)).toBeNull();

    // No hint, no call: the new document does not even try.
    await h.page.reload();
    expect(await h.screens.waitFor(h.page, 'login-form')).not.toContain('restoring');
    await clockPasses(Date.now() + 1_000);
    expect(h.server.stats().refreshCalls).toBe(1);
  });

  // redux-persist writes the restoring state at once (`session: null`): the hint must survive it, or a
  // tab loading meanwhile (a second reload, a new tab) would show the login form with a valid cookie.
  test('while a reloaded tab restores the session the hint stays in localStorage, so a second reload meanwhile restores too', async () => {
    const h = await open(60);
    await signInSecure(h);
    expect(await storedHint(h.page)).toEqual(HINT);
    // Another page of the origin holds the library's refresh lock, so the restore waits for it.
    const holder = await h.context.newPage();
    await holder.goto(`${h.server.url}/__stats`);
    await holdLock(holder);

    await h.page.reload();
    await h.screens.waitFor(h.page, 'restoring');
    // The restore is waiting for the lock; the hint is still there for the next document.
    await clockPasses(Date.now() + 500);
    expect(await storedHint(h.page)).toEqual(HINT);
    await h.page.reload();
    await h.screens.waitFor(h.page, 'restoring');
    await releaseLock(holder);
    expect(await h.screens.waitFor(h.page, 'dashboard')).not.toContain('login-form');
    // The second document restored the session with one refresh call.
    expect(h.server.stats().refreshCalls).toBe(1);
    expect(await storedHint(h.page)).toEqual(HINT);
  });

  test('the refresh cookie is spent only by the app: a page of another origin cannot spend it, with or without the custom header, and a same-origin request without X-Requested-With is refused', async () => {
    const h = await open(60);
    await signInSecure(h);
    const cookie = (await refreshCookieOf(h.context))!.value;
    const other: AuthServer = await startAuthServer();
    try {
      /** A page of `origin` POSTs to /auth/refresh with the browser's cookies, as a form or a fetch can. */
      const attack = async (origin: string, withHeader: boolean): Promise<string> => {
        const page = await h.context.newPage();
        try {
          await page.goto(`${origin}/__stats`);
          return await page.evaluate(
            async ({ target, withHeader }) => {
              try {
                const res = await fetch(`${target}/auth/refresh`, {
                  method: 'POST',
                  credentials: 'include',
                  ...(withHeader ? { headers: { 'X-Requested-With': 'x' } } : { mode: 'no-cors' }),
                });
                return res.type;
              } catch {
                return 'blocked';
              }
            },
            { target: h.server.url, withHeader },
          );
        } finally {
          await page.close();
        }
      };
      const port = new URL(other.url).port;
      // Another port of 127.0.0.1 is the same site: SameSite=Strict lets the cookie go along, and
      // only the Origin check refuses it.
      expect(await attack(`http://127.0.0.1:${port}`, false)).toBe('opaque');
      // Another site (localhost): the browser withholds the Strict cookie as well.
      expect(await attack(`http://localhost:${port}`, false)).toBe('opaque');
      await expect.poll(() => h.server.stats().csrfRefused).toBe(2);
      expect(h.server.stats().csrfLog).toMatchObject([
        { route: 'POST /auth/refresh', reason: 'bad-origin', withCookie: true },
        { route: 'POST /auth/refresh', reason: 'bad-origin', withCookie: false },
      ]);
      // With the custom header the browser asks first (a CORS preflight) and, refused, sends nothing.
      expect(await attack(`http://127.0.0.1:${port}`, true)).toBe('blocked');

      // From the app's own origin, without the header: refused too.
      const bare = await h.page.evaluate(async () => {
        const res = await fetch('/auth/refresh', { method: 'POST' });
        return { status: res.status, error: ((await res.json()) as { error: string }).error };
      });
      expect(bare).toEqual({ status: 403, error: 'missing-csrf-header' });

      // Not one refresh went through, and the cookie is the one the sign-in set.
      const stats = h.server.stats();
      expect(stats.csrfRefused).toBe(3);
      expect(stats.refreshCalls).toBe(0);
      expect(stats.refreshInFlight).toBe(0);
      expect((await refreshCookieOf(h.context))!.value).toBe(cookie);
      // Server side, a request with no Origin at all (not a browser page) is refused as well.
      const noOrigin = await fetch(`${h.server.url}/auth/refresh`, {
        method: 'POST',
        headers: { 'X-Requested-With': 'x', cookie: `${REFRESH_COOKIE}=${cookie}` },
      });
      expect(noOrigin.status).toBe(403);

      // The app's own refresh passes.
      await h.page.getByTestId('refresh-now').click();
      await expect.poll(() => h.server.stats().refreshSucceeded).toBe(1);
      expect(h.server.stats().refreshLog[0]).toMatchObject({ ok: true, via: 'cookie', replaces: 0 });
      await expectCookieHoldsNewestRefreshToken(h);
    } finally {
      await other.close();
    }
  });

  test('switching to secure mode in one of two tabs moves the session into the cookie without signing out, and switching back signs both tabs out and clears the cookie', async () => {
    // 20 s tokens: no scheduled refresh within 10 s of a token, so every call here is the switch's.
    const { h, tabs } = await twoSignedInTabs(open, 'cookie', 20);
    const [mover, follower] = tabs;
    const before = await Promise.all(tabs.map(documentOf));
    expect((await h.context.cookies()).map((c) => c.name)).toEqual(['_auth']);

    await mover.getByTestId('storage-memory').click();
    for (const [i, tab] of tabs.entries()) {
      await expect.poll(() => documentOf(tab), { timeout: 5_000 }).not.toBe(before[i]);
    }
    // The stored refresh token was exchanged for the cookie (spent: the old copy is gone), and the
    // reloaded tabs restored the session with one call between them, made by whichever tab took
    // the refresh lock first; that tab never showed the login form.
    await expect
      .poll(async () => (await Promise.all(tabs.map((tab) => tab.locator(OWN_RESTORES).count()))).sort())
      .toEqual([0, 1]);
    const stats = h.server.stats();
    expect(stats.refreshLog.map((e) => ({ via: e.via, ok: e.ok }))).toEqual([
      { via: 'exchange', ok: true },
      { via: 'cookie', ok: true },
    ]);
    const restorer = (await tabs[0]!.locator(OWN_RESTORES).count()) === 1 ? 0 : 1;
    const restorerScreens = await h.screens.waitFor(tabs[restorer]!, 'dashboard');
    expect(restorerScreens).toContain('restoring');
    expect(restorerScreens).not.toContain('login-form');
    // The other tab takes the restored session from the restoring one (it asks, or hears the
    // restore announced), without a call of its own.
    await h.screens.waitFor(tabs[1 - restorer]!, 'dashboard', 15_000);
    for (const tab of tabs) {
      expect(await tab.getByTestId('storage-switch').getAttribute('data-storage')).toBe('memory');
      expect(await tab.getByTestId('storage-mode').textContent()).toBe(STORED_IN);
    }
    const caughtUp = h.server.stats();
    // Whatever came later is the schedule's: one refresh of each token, never a second restore.
    expect(caughtUp.refreshLog.filter((e) => e.replaces === 1)).toHaveLength(1);
    expect(caughtUp.refreshLog.every((e) => e.ok)).toBe(true);
    expect(caughtUp.logins).toBe(1);
    expect(caughtUp.reuseDetections).toBe(0);
    expect(caughtUp.activeFamilies).toBe(1);
    await expectRefreshCookie(h, false);
    await expectCookieHoldsNewestRefreshToken(h);
    expect(await storedHint(follower)).toEqual(HINT);
    // Not even the tokens of the cookie-mode session before the switch are readable any more.
    await expectNoTokenReadable(h.server, tabs);

    // Back to cookie storage: the refresh token cannot leave the HttpOnly cookie, so both tabs are
    // signed out, and the form says why.
    const inSecureMode = await Promise.all(tabs.map(documentOf));
    await follower.getByTestId('storage-cookie').click();
    for (const [i, tab] of tabs.entries()) {
      await expect.poll(() => documentOf(tab), { timeout: 5_000 }).not.toBe(inSecureMode[i]);
      await h.screens.waitFor(tab, 'login-form');
      expect(await tab.getByTestId('storage-switch').getAttribute('data-storage')).toBe('cookie');
      expect(await tab.getByTestId('session-ended').getAttribute('data-reason'), `tab ${i}`).toBe(
        'left-secure-mode',
      );
    }
    await expect.poll(() => h.context.cookies()).toEqual([]);
    expect(await storedHint(mover)).toBeNull();
    const out = h.server.stats();
    expect(out.logouts).toBe(1);
    expect(out.activeFamilies).toBe(0);
    expect(out.reuseDetections).toBe(0);
  });
});

describe('secure mode over https, production build, in Chromium', () => {
  let dir: string;
  let tls: { key: string; cert: string };

  beforeAll(async () => {
    // A throwaway self-signed certificate for 127.0.0.1 (Debian ships openssl).
    dir = await mkdtemp(join(tmpdir(), 'redux-auth-kit-tls-'));
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      // prettier-ignore
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1',
        '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
      { stdio: 'ignore' },
    );
    tls = { key: await readFile(key, 'utf8'), cert: await readFile(cert, 'utf8') };
  });
  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  test('the refresh cookie is also Secure, and the session survives a reload', async () => {
    const h = await openWith({ tls, accessTtl: 60 }, { ignoreHTTPSErrors: true });
    expect(h.server.url).toMatch(/^https:\/\/127\.0\.0\.1:/);
    await signInSecure(h);
    await expectRefreshCookie(h, true);
    expect(await h.page.evaluate(() => document.cookie)).toBe('');

    await h.page.reload();
    expect(await h.screens.waitFor(h.page, 'dashboard')).not.toContain('login-form');
    expect(h.server.stats().refreshLog).toMatchObject([{ ok: true, via: 'cookie' }]);
    await expectCookieHoldsNewestRefreshToken(h);
    await expectNoTokenReadable(h.server, [h.page]);
  });
});
