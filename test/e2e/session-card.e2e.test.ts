import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { browserSuite, signIn } from './support';

// A 6 s token is refreshed 3 s after it arrived: the library's margin (60 s) is capped at half
// the token's lifetime.
const ACCESS_TTL = 6;
const LIFETIME_MS = ACCESS_TTL * 1000;
const REFRESH_DELAY_MS = LIFETIME_MS / 2;

const { open } = browserSuite({ accessTtl: ACCESS_TTL, refreshTtl: 3600 });

interface Indicator {
  /** `data-at`: when the next refresh is due, epoch ms; `null` when none is named. */
  at: number | null;
  state: string | null;
  text: string;
}

/** The next-refresh indicator, read in one go so its time and its text belong together. */
function readIndicator(page: Page): Promise<Indicator> {
  return page.evaluate(() => {
    const element = document.querySelector('[data-testid="next-refresh"]');
    const at = element?.getAttribute('data-at') ?? '';
    return {
      at: at === '' ? null : Number(at),
      state: element?.getAttribute('data-state') ?? null,
      text: element?.querySelector('[data-testid="next-refresh-text"]')?.textContent ?? '',
    };
  });
}

/** The whole seconds "Next refresh in N s" shows, or `null` for any other text. */
const secondsIn = (text: string): number | null => {
  const match = /^Next refresh in (\d+) s$/.exec(text);
  return match === null ? null : Number(match[1]);
};

describe('the session card, production build, in Chromium', () => {
  test("the next-refresh indicator counts down to when the library refreshes, then moves on to the new token's due time", async () => {
    const h = await open();
    await signIn(h);
    const first = await readIndicator(h.page);
    const issued = h.server.stats().issued[0]!;
    expect(first.state).toBe('scheduled');
    // Half the token's life after it arrived (which is at most a moment after the server issued it).
    expect(first.at! - issued.at).toBeGreaterThanOrEqual(REFRESH_DELAY_MS);
    expect(first.at! - issued.at).toBeLessThan(REFRESH_DELAY_MS + 1000);

    // Watch the countdown for the first token until the server has answered its refresh.
    const shown: number[] = [];
    await expect
      .poll(
        async () => {
          const now = await readIndicator(h.page);
          const seconds = secondsIn(now.text);
          if (now.at === first.at && seconds !== null && seconds !== shown.at(-1)) shown.push(seconds);
          return h.server.stats().refreshSucceeded;
        },
        { timeout: LIFETIME_MS, interval: 50 },
      )
      .toBe(1);
    expect(shown.length, `seconds shown: ${shown.join(', ')}`).toBeGreaterThanOrEqual(2);
    expect(shown[0]).toBeLessThanOrEqual(REFRESH_DELAY_MS / 1000);
    for (let i = 1; i < shown.length; i += 1) expect(shown[i]).toBeLessThan(shown[i - 1]!);

    // The refresh went out when the indicator said it would.
    const refresh = h.server.stats().refreshLog[0]!;
    expect(refresh.ok).toBe(true);
    expect(refresh.at).toBeGreaterThanOrEqual(first.at! - 50);
    expect(refresh.at).toBeLessThan(first.at! + 1000);

    // Then it names the new token's due time, half its life after it arrived, and counts down to that.
    await expect.poll(async () => (await readIndicator(h.page)).at).toBeGreaterThan(first.at!);
    const next = await readIndicator(h.page);
    const newToken = h.server.stats().issued[1]!;
    expect(next.state).toBe('scheduled');
    expect(next.at! - newToken.at).toBeGreaterThanOrEqual(REFRESH_DELAY_MS);
    expect(next.at! - newToken.at).toBeLessThan(REFRESH_DELAY_MS + 1000);
    expect(secondsIn(next.text)).toBeLessThanOrEqual(REFRESH_DELAY_MS / 1000);
  });

  test('while refreshes fail past its expiry the card says the token expired and when the next try is, and counts down again once a refresh succeeds', async () => {
    const h = await open();
    await signIn(h);
    const countdown = h.page.getByTestId('token-countdown');
    expect(await countdown.getAttribute('data-state')).toBe('live');
    const expiresAt = Number(await countdown.getAttribute('data-expires-at'));

    // Every refresh fails as a network error would: the request never reaches the server.
    await h.page.route('**/refresh', (route) => route.abort());
    await expect
      .poll(() => countdown.getAttribute('data-state'), { timeout: LIFETIME_MS + 2000, interval: 50 })
      .toBe('expired');
    expect(Date.now(), 'not shown as expired before its expiry').toBeGreaterThanOrEqual(expiresAt - 50);

    const label = await h.page.locator('[data-testid="token-countdown"] .countdown-label').textContent();
    expect(label).toBe('Access token');
    expect(await h.page.locator('[data-testid="token-countdown"] .countdown-value').textContent()).toBe(
      'Expired',
    );
    expect(await h.page.getByTestId('token-expired-note').textContent()).toMatch(
      /^It expired \d+ s ago; requests carry no token until a refresh succeeds\.$/,
    );
    expect(await h.page.getByTestId('auth-header').getAttribute('data-live')).toBe('false');
    // Between tries the indicator says when the next one is; the user stays signed in.
    await expect.poll(async () => (await readIndicator(h.page)).state, { interval: 50 }).toBe('retrying');
    expect((await readIndicator(h.page)).text).toMatch(/^Next try in \d+ s$/);
    expect(await h.page.getByTestId('dashboard').count()).toBe(1);

    // The network is back: the next try succeeds and the card counts down the new token.
    await h.page.unroute('**/refresh');
    await expect
      .poll(() => countdown.getAttribute('data-state'), { timeout: 20_000, interval: 50 })
      .toBe('live');
    expect(Number(await countdown.getAttribute('data-expires-at'))).toBeGreaterThan(Date.now());
    expect(await h.page.locator('[data-testid="token-countdown"] .countdown-label').textContent()).toBe(
      'Access token expires in',
    );
    expect(await h.page.getByTestId('token-expired-note').count()).toBe(0);
    expect((await readIndicator(h.page)).state).toBe('scheduled');
    const stats = h.server.stats();
    expect(stats.refreshSucceeded).toBe(1);
    expect(stats.refreshRejected).toBe(0);
    expect(await h.page.getByTestId('login-form').count()).toBe(0);
  });
});
