import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import type { AuthServerStats, RefreshLogEntry } from '../../example-app/server/authServer.mjs';
import {
  AUTH_NAME,
  browserSuite,
  clockPasses,
  cookieSession,
  documentOf,
  expectDataFromTokenIssuedAt,
  expectOneRefreshPerLifetime,
  holdLock,
  lockQueue,
  measured,
  PROFILE_POLL_MS,
  quietStats,
  releaseLock,
  served,
  setVisibility,
  type Harness,
  type Screen,
} from './support';
import {
  cookieNames,
  heldExpiry,
  logEntries,
  MODE_LABEL,
  openSignedOutTabs,
  storedSession,
  submitLogin,
  twoSignedInTabs,
  type Mode,
} from './tabSupport';

// Tabs of one browser context share cookies, localStorage, Web Locks and
// BroadcastChannel, as tabs of one browser profile do (see tabSupport.ts). Short
// lifetimes, as in app.e2e.test.ts: a 4 s token is refreshed 2 s after it arrived.
const ACCESS_TTL = 4;
const LIFETIME_MS = ACCESS_TTL * 1000;
const REFRESH_TTL = 3600;
/** The library's default wall-clock check period (`listener.wallClockCheck`, 1 s). */
const WALL_CLOCK_CHECK_MS = 1000;
/** The library's generation marker beside localStorage (see PITFALLS.md, Tabs). */
const MARKER = `${AUTH_NAME}.gen`;

const { open } = browserSuite({ accessTtl: ACCESS_TTL, refreshTtl: REFRESH_TTL });

/** A tab's log entries for refreshes it made itself and that succeeded. */
const OWN_REFRESHES = '[data-testid="log-entry"][data-event="refresh"][data-outcome="ok"]';

/**
 * Waits until every tab holds the same live session, the one stored in `mode` (read through
 * `reader`), and that stored session is the newest the server issued.
 */
async function expectTabsHoldNewestSession(
  h: Harness,
  tabs: Page[],
  mode: Mode,
  reader: Page,
): Promise<void> {
  await expect
    .poll(async () => {
      const held = await Promise.all(tabs.map(heldExpiry));
      const stored = await storedSession(h, mode, reader);
      return {
        distinct: new Set(held).size,
        live: held.every((at) => at !== null && at > Date.now()),
        sameAsStored: held[0] === stored?.expiresAt,
        storedIsNewest: stored?.generation === h.server.stats().refreshSucceeded,
      };
    })
    .toEqual({ distinct: 1, live: true, sameAsStored: true, storedIsNewest: true });
}

/** The one successful /refresh call that replaced token `index`, made after `since`. */
function expectOneRefreshOf(stats: AuthServerStats, index: number, since: number): RefreshLogEntry {
  const replacing = stats.refreshLog.filter((e) => e.replaces === index);
  expect(replacing, `refreshes of token ${index}`).toHaveLength(1);
  expect(replacing[0]!.ok).toBe(true);
  expect(replacing[0]!.at).toBeGreaterThanOrEqual(since);
  return replacing[0]!;
}

describe('tabs of one browser, production build, in Chromium', () => {
  for (const mode of ['cookie', 'localstorage'] as const) {
    for (const count of [2, 4]) {
      test(`${count} tabs sharing ${MODE_LABEL[mode]} storage follow a sign-in without reloading, refresh once per token lifetime in total, and all sign out within a second`, async () => {
        const h = await open();
        const tabs = await openSignedOutTabs(h, mode, count);
        const [first, ...others] = tabs as [Page, ...Page[]];
        const documents = await Promise.all(tabs.map(documentOf));

        // Sign in in one tab: the others follow through the channel, without a reload or a request.
        await submitLogin(first);
        const submittedAt = Date.now();
        await first.getByTestId('dashboard').waitFor();
        const followMs = await Promise.all(
          others.map(async (tab) => {
            await expect
              .poll(() => tab.getByTestId('dashboard').count(), { timeout: 2_000, interval: 20 })
              .toBe(1);
            return Date.now() - submittedAt;
          }),
        );
        for (const [i, tab] of tabs.entries()) {
          expect(await documentOf(tab), `tab ${i} was not reloaded`).toBe(documents[i]);
          expect(await h.screens.screens(tab)).toEqual(expect.arrayContaining(['login-form', 'dashboard']));
          await expect.poll(() => tab.getByTestId('user-name').textContent()).toBe('Ada Lovelace');
        }
        const afterSignIn = h.server.stats();
        expect(afterSignIn.logins).toBe(1);
        // Following cost no request: any /refresh so far is the first scheduled one, at half the
        // token's life (on a slow machine it may already have come).
        const firstToken = afterSignIn.issued[0]!;
        expect(
          afterSignIn.refreshLog.filter((e) => e.at < firstToken.at + LIFETIME_MS / 2),
          'refreshes before the first was due',
        ).toEqual([]);

        // The session is where the mode keeps it, and only there.
        await expect.poll(() => storedSession(h, mode, first)).not.toBeNull();
        if (mode === 'cookie') {
          expect(await cookieNames(h.context, h.server.url)).toEqual([AUTH_NAME]);
        } else {
          // Beside localStorage, only the non-secret generation marker lives in a cookie.
          expect(await cookieNames(h.context, h.server.url)).toEqual([MARKER]);
        }

        // Two whole token lifetimes with every tab's timers running.
        const signedInAt = afterSignIn.issued[0]!.at;
        await clockPasses(signedInAt + 2 * LIFETIME_MS + 500);
        const stats = await quietStats(h.server, LIFETIME_MS);
        const statsAt = Date.now();

        expect(stats.logins).toBe(1);
        expect(stats.reuseDetections).toBe(0);
        expect(stats.refreshRejected).toBe(0);
        expect(stats.refreshCalls).toBe(stats.refreshSucceeded);
        expect(stats.activeFamilies).toBe(1);
        expect(stats.issued.filter((t) => t.expiresAt <= statsAt).length).toBeGreaterThanOrEqual(2);
        expectOneRefreshPerLifetime(stats, LIFETIME_MS);
        // Every tab kept loading the protected data, never with a dead token.
        expect(stats.apiUnauthorized).toBe(0);
        expect(stats.apiExpiredToken).toBe(0);
        for (const tab of tabs) {
          expect(await h.screens.screens(tab)).not.toContain('profile-error');
          const fulfilledAt = Number(
            await tab.getByTestId('profile-updated').getAttribute('data-fulfilled-at'),
          );
          expect(Date.now() - fulfilledAt).toBeLessThan(LIFETIME_MS);
        }
        // Every tab holds the same, newest session: the one the server issued last, as stored.
        await expectTabsHoldNewestSession(h, tabs, mode, first);
        // Every tab logged every refresh once: the tab that made it as its own, each other tab as
        // "Refreshed in another tab".
        await expect
          .poll(async () => {
            const succeeded = h.server.stats().refreshSucceeded;
            const logged = await Promise.all(
              tabs.map(async (tab) => ({
                own: await tab.locator(OWN_REFRESHES).count(),
                fromOtherTabs: await logEntries(tab, 'other-tab-refresh').count(),
              })),
            );
            return {
              eachTabLoggedEach: logged.every((tab) => tab.own + tab.fromOtherTabs === succeeded),
              ownInAll: logged.reduce((sum, tab) => sum + tab.own, 0) === succeeded,
            };
          })
          .toEqual({ eachTabLoggedEach: true, ownInAll: true });

        // Sign out in the last tab: every tab is signed out within a second.
        const last = tabs.at(-1)!;
        const clickedAt = Date.now();
        await last.getByTestId('sign-out').click();
        const signOutMs = await Promise.all(
          tabs.map(async (tab) => {
            await expect
              .poll(() => tab.getByTestId('login-form').count(), { timeout: 1_000, interval: 10 })
              .toBe(1);
            return Date.now() - clickedAt;
          }),
        );
        for (const tab of tabs) expect(await tab.getByTestId('dashboard').count()).toBe(0);

        // Nothing is left in storage, the server revoked the family once, and no tab refreshes any more.
        await expect.poll(() => storedSession(h, mode, first)).toBeNull();
        await expect.poll(() => cookieNames(h.context, h.server.url)).toEqual([]);
        await expect.poll(() => h.server.stats().logouts).toBe(1);
        const atSignOut = h.server.stats();
        expect(atSignOut.activeFamilies).toBe(0);
        const newest = atSignOut.issued.at(-1)!;
        await clockPasses(Math.max(Date.now() + 250, newest.at + LIFETIME_MS / 2 + 500));
        const later = h.server.stats();
        expect(later.refreshCalls).toBe(atSignOut.refreshCalls);
        expect(later.apiCalls).toBe(atSignOut.apiCalls);
        expect(later.reuseDetections).toBe(0);

        measured(`${count} tabs, ${mode}`, {
          followMs,
          tokensExpired: stats.issued.filter((t) => t.expiresAt <= statsAt).length,
          tokensIssued: stats.issued.length,
          refreshCalls: stats.refreshCalls,
          refreshesPerToken: stats.issued.map(
            (_, i) => stats.refreshLog.filter((e) => e.replaces === i).length,
          ),
          reuseDetections: stats.reuseDetections,
          apiCalls: stats.apiCalls,
          apiUnauthorized: stats.apiUnauthorized,
          signOutMs,
        });
      });
    }
  }
});

describe('the storage switch and "Refresh now" with tabs open, production build, in Chromium', () => {
  /** Whether the document has been replaced since `before` (a reload), and now shows `screen`. */
  async function reloadedTo(h: Harness, tab: Page, before: number, screen: 'dashboard'): Promise<Screen[]> {
    await expect.poll(() => documentOf(tab), { timeout: 5_000 }).not.toBe(before);
    return h.screens.waitFor(tab, screen);
  }

  for (const [from, to] of [
    ['cookie', 'localstorage'],
    ['localstorage', 'cookie'],
  ] as const) {
    test(`switching from ${MODE_LABEL[from]} to ${MODE_LABEL[to]} in one of two tabs moves both, which stay signed in and then refresh once per token lifetime with no reuse`, async () => {
      const { h, tabs } = await twoSignedInTabs(open, from);
      const [mover, follower] = tabs;
      await expect.poll(() => storedSession(h, from, mover)).not.toBeNull();
      const before = await Promise.all(tabs.map(documentOf));

      // Switch in one tab: both reload into the new storage, signed in, and never show the login form.
      await mover.getByTestId(`storage-${to}`).click();
      const clickedAt = Date.now();
      const reloadMs = await Promise.all(
        tabs.map(async (tab, i) => {
          const screens = await reloadedTo(h, tab, before[i]!, 'dashboard');
          expect(screens, `tab ${i}`).not.toContain('login-form');
          return Date.now() - clickedAt;
        }),
      );
      const switchedAt = Date.now();
      for (const tab of tabs) {
        expect(await tab.getByTestId('storage-switch').getAttribute('data-storage')).toBe(to);
        await expect.poll(() => tab.getByTestId('user-name').textContent()).toBe('Ada Lovelace');
      }
      // The session is in the new storage only.
      await expect.poll(() => storedSession(h, to, follower)).not.toBeNull();
      expect(await storedSession(h, from, follower)).toBeNull();
      // In cookies: the session after a move there, else nothing (or only the generation marker).
      const names = await cookieNames(h.context, h.server.url);
      if (to === 'cookie') expect(names).toEqual([AUTH_NAME]);
      else expect(names.filter((name) => name !== MARKER)).toEqual([]);

      // Two more whole token lifetimes with both tabs' timers running.
      await clockPasses(switchedAt + 2 * LIFETIME_MS + 500);
      const stats = await quietStats(h.server, LIFETIME_MS);
      const statsAt = Date.now();
      expect(stats.logins).toBe(1);
      expect(stats.reuseDetections).toBe(0);
      expect(stats.refreshRejected).toBe(0);
      expect(stats.activeFamilies).toBe(1);
      expect(
        stats.issued.filter((t) => t.at >= switchedAt && t.expiresAt <= statsAt).length,
        'tokens issued after the switch that lived out their lifetime',
      ).toBeGreaterThanOrEqual(2);
      expectOneRefreshPerLifetime(stats, LIFETIME_MS);
      expect(stats.apiUnauthorized).toBe(0);
      // Both tabs hold the newest session, as stored, still in the new storage, and never signed out.
      await expectTabsHoldNewestSession(h, tabs, to, mover);
      expect(await storedSession(h, from, mover)).toBeNull();
      for (const tab of tabs) {
        expect(await tab.getByTestId('storage-switch').getAttribute('data-storage')).toBe(to);
        expect(await h.screens.screens(tab)).not.toContain('login-form');
        expect(await h.screens.screens(tab)).not.toContain('profile-error');
      }

      measured(`switch ${from} → ${to} with 2 tabs`, {
        reloadMs,
        tokensAfterSwitch: stats.issued.filter((t) => t.at >= switchedAt).length,
        refreshesPerToken: stats.issued.map(
          (_, i) => stats.refreshLog.filter((e) => e.replaces === i).length,
        ),
        reuseDetections: stats.reuseDetections,
        apiUnauthorized: stats.apiUnauthorized,
      });
    });
  }

  test('refreshes that come due while a switch holds the refresh lock send the old tokens once, after the move, with no reuse', async () => {
    const { h, tabs } = await twoSignedInTabs(open, 'cookie');
    const [mover, follower] = tabs;
    const before = await Promise.all(tabs.map(documentOf));

    // The switch queues for the lock first; then both tabs' scheduled refreshes queue behind it.
    await holdLock(mover);
    await mover.getByTestId('storage-localstorage').click();
    await expect.poll(() => lockQueue(mover)).toEqual({ held: 1, pending: 1 });
    await expect
      .poll(() => lockQueue(mover), { timeout: LIFETIME_MS, interval: 20 })
      .toEqual({ held: 1, pending: 3 });
    const queued = h.server.stats();
    expect(queued.refreshCalls + queued.refreshInFlight, 'nothing sent while the lock is held').toBe(0);
    const releasedAt = Date.now();
    await releaseLock(mover);

    // The switch runs first and both tabs reload; what was queued in the old documents sends nothing.
    for (const [i, tab] of tabs.entries()) {
      expect(await reloadedTo(h, tab, before[i]!, 'dashboard'), `tab ${i}`).not.toContain('login-form');
      expect(await tab.getByTestId('storage-switch').getAttribute('data-storage')).toBe('localstorage');
    }
    // The token that was due is refreshed once, from the new storage, and both tabs hold the result.
    await expect.poll(() => h.server.stats().refreshSucceeded, { timeout: LIFETIME_MS }).toBe(1);
    const stats = await quietStats(h.server, LIFETIME_MS);
    expect(stats.refreshCalls).toBe(1);
    expect(stats.refreshLog[0]).toMatchObject({ ok: true, replaces: 0 });
    expect(stats.refreshLog[0]!.at).toBeGreaterThanOrEqual(releasedAt);
    expect(stats.reuseDetections).toBe(0);
    expect(stats.activeFamilies).toBe(1);
    await expect
      .poll(async () => {
        const held = await Promise.all(tabs.map(heldExpiry));
        const stored = await storedSession(h, 'localstorage', follower);
        return {
          distinct: new Set(held).size,
          sameAsStored: held[0] === stored?.expiresAt,
          generation: stored?.generation,
        };
      })
      .toEqual({ distinct: 1, sameAsStored: true, generation: 1 });
    expect(await storedSession(h, 'cookie', follower)).toBeNull();

    measured('refreshes queued behind a switch', {
      releaseToRefreshCallMs: stats.refreshLog[0]!.at - releasedAt,
      refreshCalls: stats.refreshCalls,
      reuseDetections: stats.reuseDetections,
    });
  });

  test('a "Refresh now" that ends by adopting the tokens another tab just got leaves the next automatic refresh labelled automatic', async () => {
    // 8 s tokens: the scheduled refresh comes 4 s after a token arrived, well after the clicks below.
    const { h, tabs } = await twoSignedInTabs(open, 'cookie', 8);
    const [adopter, caller] = tabs;
    const refreshEntries = (tab: Page) => tab.locator('[data-testid="log-entry"][data-event="refresh"]');

    // Hold the refresh lock, then click "Refresh now" in the caller and after it in the adopter:
    // both wait, in that order. Released, the caller refreshes and the adopter finds its tokens.
    await holdLock(adopter);
    await caller.getByTestId('refresh-now').click();
    await expect.poll(() => lockQueue(adopter)).toEqual({ held: 1, pending: 1 });
    await adopter.getByTestId('refresh-now').click();
    await expect.poll(() => lockQueue(adopter)).toEqual({ held: 1, pending: 2 });
    await releaseLock(adopter);

    for (const tab of tabs) {
      await expect.poll(() => tab.getByTestId('refresh-now').isEnabled()).toBe(true);
    }
    await expect.poll(async () => new Set(await Promise.all(tabs.map(heldExpiry))).size).toBe(1);
    const afterClicks = h.server.stats();
    expect(afterClicks.refreshCalls, 'two clicks, one call').toBe(1);
    expect(await refreshEntries(caller).getAttribute('data-trigger')).toBe('manual');
    expect(
      await refreshEntries(adopter).count(),
      'the adopter sent nothing, so logged no refresh of its own',
    ).toBe(0);
    // What it logged instead: the caller's refresh, once, whether the broadcast or its own look at
    // storage under the lock brought it.
    expect(await logEntries(adopter, 'other-tab-refresh').count()).toBe(1);
    expect(await logEntries(caller, 'other-tab-refresh').count()).toBe(0);

    // Alone now, the adopter makes the next refresh itself, on schedule.
    await caller.close();
    await expect(refreshEntries(adopter).count()).resolves.toBe(0);
    await expect.poll(() => refreshEntries(adopter).count(), { timeout: 8_000 }).toBe(1);
    expect(await refreshEntries(adopter).getAttribute('data-trigger')).toBe('automatic');
    expect(await refreshEntries(adopter).getAttribute('data-outcome')).toBe('ok');
    const after = h.server.stats();
    expect(after.refreshCalls).toBe(2);
    expect(after.reuseDetections).toBe(0);
  });
});

describe('a tab whose timers stopped, production build, in Chromium', () => {
  /**
   * Opens the app storing the session in `mode` and signs in, the data shown. The page's timers
   * and Date run on Playwright's clock, installed before the app loads.
   */
  async function signInOnPageClock(mode: Mode, accessTtl?: number): Promise<Harness> {
    const h = await open(accessTtl);
    await h.page.clock.install();
    await h.page.goto(`${h.server.url}/?storage=${mode}`);
    await submitLogin(h.page);
    await h.page.getByTestId('profile-email').waitFor();
    return h;
  }

  /** Pauses the page's clock: from now on no timer of the page fires until the test says so. */
  async function freezeTimers(page: Page): Promise<void> {
    // pauseAt refuses a time the page's running clock has already passed.
    const pageNow = await page.evaluate(() => Date.now());
    await page.clock.pauseAt(pageNow + 100);
  }

  /** Waits (real time) until the token the page holds is dead for the server and for the page. */
  async function waitUntilTokenIsDead(h: Harness): Promise<{ serverExpiry: number; pageExpiry: number }> {
    const serverExpiry = h.server.stats().issued.at(-1)!.expiresAt;
    const pageExpiry = (await heldExpiry(h.page))!;
    // The page anchors the token's lifetime to when it arrived; the server to the whole second it was issued.
    await clockPasses(Math.max(serverExpiry, pageExpiry) + 500);
    return { serverExpiry, pageExpiry };
  }

  /**
   * Waits (briefly) until the page holds a token newer than `pageExpiry`: the one successful
   * refresh of the token held before the wake, made after `wakeAt`.
   */
  async function newTokenOnWake(
    h: Harness,
    pageExpiry: number,
    beforeWake: AuthServerStats,
    wakeAt: number,
  ): Promise<{ refresh: RefreshLogEntry; newTokenAt: number }> {
    await expect.poll(() => heldExpiry(h.page), { timeout: 2_000, interval: 10 }).toBeGreaterThan(pageExpiry);
    const newTokenAt = Date.now();
    const refresh = expectOneRefreshOf(h.server.stats(), beforeWake.issued.length - 1, wakeAt);
    return { refresh, newTokenAt };
  }

  /**
   * Waits until the API served data again after `before`; by then no request carried an expired
   * or refused token and no refresh token was reused or rejected. Returns the stats.
   */
  async function dataServedCleanlySince(h: Harness, before: AuthServerStats): Promise<AuthServerStats> {
    await expect.poll(() => served(h.server.stats()), { timeout: 5_000 }).toBeGreaterThan(served(before));
    const after = h.server.stats();
    expect(after.apiExpiredToken).toBe(0);
    expect(after.apiUnauthorized).toBe(0);
    expect(after.reuseDetections).toBe(0);
    expect(after.refreshRejected).toBe(0);
    return after;
  }

  test('a hidden tab whose timers were frozen past expiry refreshes as soon as it becomes visible, before any request with the expired token', async () => {
    const h = await signInOnPageClock('cookie');

    // Hide the tab and stop its timers: what a browser does to a background tab, taken to the extreme.
    await setVisibility(h.page, 'hidden');
    await freezeTimers(h.page);
    const hidden = h.server.stats();
    const { serverExpiry, pageExpiry } = await waitUntilTokenIsDead(h);
    const beforeWake = h.server.stats();
    // Nothing ran while hidden: no refresh, no polling of the protected data.
    expect(beforeWake.refreshCalls).toBe(hidden.refreshCalls);
    expect(beforeWake.apiCalls).toBe(hidden.apiCalls);

    // Show the tab. Its Date catches up with the real time, but the clock stays paused, so no
    // timer can fire: whatever happens now is the visibilitychange handler's doing.
    await h.page.clock.setSystemTime(Date.now());
    const wakeAt = Date.now();
    await setVisibility(h.page, 'visible');
    const { refresh, newTokenAt } = await newTokenOnWake(h, pageExpiry, beforeWake, wakeAt);

    // Let time flow again: the data loads with the new token.
    await h.page.clock.resume();
    const after = await dataServedCleanlySince(h, beforeWake);
    await expectDataFromTokenIssuedAt(h.page, after.issued.at(-1)!.at);
    expect(await h.screens.screens(h.page)).not.toContain('profile-error');
    expect(await h.page.getByTestId('login-form').count()).toBe(0);

    measured('hidden tab made visible', {
      tokenDeadForServerMs: wakeAt - serverExpiry,
      tokenDeadForPageMs: wakeAt - pageExpiry,
      wakeToRefreshCallMs: refresh.at - wakeAt,
      wakeToNewTokenInPageMs: newTokenAt - wakeAt,
      apiExpiredToken: after.apiExpiredToken,
    });
  });

  test('after the machine slept past expiry the tab refreshes on waking, with no event, before any request with the expired token (localStorage)', async () => {
    const h = await signInOnPageClock('localstorage');
    await expect.poll(() => storedSession(h, 'localstorage', h.page)).not.toBeNull();

    // The lid closes: no timer runs, and the page stays 'visible' (no event will say it woke).
    await freezeTimers(h.page);
    const asleep = h.server.stats();
    const { serverExpiry, pageExpiry } = await waitUntilTokenIsDead(h);
    const beforeWake = h.server.stats();
    expect(beforeWake.refreshCalls).toBe(asleep.refreshCalls);
    expect(beforeWake.apiCalls).toBe(asleep.apiCalls);

    // The lid opens: the clock jumps by the time that really passed, every overdue timer fires
    // once at the new time (the scheduler's, the wall-clock check, the data polling), then time flows.
    const wakeAt = Date.now();
    await h.page.clock.fastForward(wakeAt - (await h.page.evaluate(() => Date.now())));
    await h.page.clock.resume();
    const { refresh, newTokenAt } = await newTokenOnWake(h, pageExpiry, beforeWake, wakeAt);

    const after = await dataServedCleanlySince(h, beforeWake);
    expect(await h.screens.screens(h.page)).not.toContain('profile-error');
    expect(await h.page.getByTestId('login-form').count()).toBe(0);
    // The rotation reached localStorage and the marker cookie.
    await expect
      .poll(async () => (await storedSession(h, 'localstorage', h.page))?.generation)
      .toBeGreaterThan(0);
    expect(await cookieNames(h.context, h.server.url)).toEqual([MARKER]);

    measured('machine slept', {
      tokenDeadForServerMs: wakeAt - serverExpiry,
      tokenDeadForPageMs: wakeAt - pageExpiry,
      wakeToRefreshCallMs: refresh.at - wakeAt,
      wakeToNewTokenInPageMs: newTokenAt - wakeAt,
      apiExpiredToken: after.apiExpiredToken,
    });
  });

  test('after a sleep in which timers keep their remaining delays, a data request due before the next wall-clock check does not carry the expired token', async () => {
    // Suspend as Chromium on Linux and macOS sees it: Date jumps, while timers run on a monotonic
    // clock that stood still, so each keeps the delay it had left. Whichever is due first runs first.
    // A 6 s token is refreshed at 3 s: the 2 s data poll comes due before the refresh does.
    const h = await signInOnPageClock('cookie', 6);
    await expect.poll(() => cookieSession(h.context, h.server.url)).not.toBeNull();

    // The phases, from what the page and the server recorded: the wall-clock check ticks every
    // second from sign-in; the data is polled every 2 s from its first request.
    const signedInAt = (await cookieSession(h.context, h.server.url))!.receivedAt;
    const firstRequestAt = h.server.stats().apiLog[0]!.at;
    const pollDue = firstRequestAt + PROFILE_POLL_MS - 1;
    const lastCheck =
      signedInAt + WALL_CLOCK_CHECK_MS * Math.floor((pollDue - signedInAt) / WALL_CLOCK_CHECK_MS);
    expect(pollDue - lastCheck, 'room between a wall-clock check and the next poll').toBeGreaterThan(4);
    // Fall asleep between that check and that poll.
    const sleepAt = lastCheck + Math.floor((pollDue - lastCheck) / 2);
    expect(await h.page.evaluate(() => Date.now())).toBeLessThan(sleepAt - 100);
    await h.page.clock.pauseAt(sleepAt);
    const asleep = h.server.stats();
    expect(asleep.apiCalls, 'the poll is still due when the machine sleeps').toBe(1);
    const { serverExpiry, pageExpiry } = await waitUntilTokenIsDead(h);
    expect(h.server.stats().apiCalls).toBe(asleep.apiCalls);

    // Wake: Date jumps to the real time; the timers go on with the delays they had left.
    await h.page.clock.setSystemTime(Date.now());
    const wakeAt = Date.now();
    await h.page.clock.resume();
    await expect
      .poll(() => h.server.stats().refreshLog.filter((e) => e.at >= wakeAt && e.ok).length, {
        timeout: 2_000,
        interval: 10,
      })
      .toBeGreaterThanOrEqual(1);
    await expect.poll(() => served(h.server.stats()), { timeout: 5_000 }).toBeGreaterThan(served(asleep));
    const after = h.server.stats();
    const refreshAt = after.refreshLog.find((e) => e.at >= wakeAt)!.at;
    const requestsAfterWake = after.apiLog.filter((e) => e.at >= wakeAt);

    measured('slept with timers keeping their delays', {
      tokenDeadForServerMs: wakeAt - serverExpiry,
      tokenDeadForPageMs: wakeAt - pageExpiry,
      pollDueAfterWakeMs: pollDue - sleepAt,
      wakeToRefreshCallMs: refreshAt - wakeAt,
      requestsAfterWake: requestsAfterWake.map((e) => ({ afterWakeMs: e.at - wakeAt, refused: e.refused })),
      apiExpiredToken: after.apiExpiredToken,
    });
    // The first request after waking went out only after the refresh, with the new token.
    expect(requestsAfterWake.filter((e) => e.refused !== null)).toEqual([]);
    expect(after.apiExpiredToken).toBe(0);
    expect(after.reuseDetections).toBe(0);
    expect(await h.screens.screens(h.page)).not.toContain('profile-error');
  });
});
