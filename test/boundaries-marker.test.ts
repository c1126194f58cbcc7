// @vitest-environment jsdom
// The generation marker beside localStorage (the `<authName>.gen` cookie) tells the next lock
// holder to wait for a write; a marker naming another session than the stored one (left over,
// or written by a tab whose stale write storage refused) must not stop refreshing for good.
import Cookies from 'js-cookie';
import { beforeEach, expect, test, vi } from 'vitest';
import {
  markerCookieName,
  selectAuthHeader,
  selectIsAuthenticated,
  type RefreshApiResult,
} from 'redux-auth-kit';
import { withFakeClock } from './support/clock';
import { clearCookiesAndLocalStorage } from './support/cookies';
import { openTabs } from './support/tabs';

// Access tokens live 60 s: a refresh is due 30 s after each one arrives; calls take 100 ms.
const LATENCY = 100;

withFakeClock();
beforeEach(() => {
  clearCookiesAndLocalStorage();
});

test('a left-over marker naming another session does not stop the refresh', async () => {
  const { tabs, server, authName, signInOn } = await openTabs({
    count: 1,
    persist: 'localstorage',
    latencyMs: LATENCY,
  });
  const [a] = tabs;
  const login = signInOn(a!);
  await vi.advanceTimersByTimeAsync(1);
  // What an earlier session (another tab, an old page) left behind.
  Cookies.set(markerCookieName(authName), 'an-earlier-session.3', { sameSite: 'Lax' });

  // Due at 30 s; the token expires at 60 s.
  await vi.advanceTimersByTimeAsync(59_000);
  expect(
    server.log.map((call) => call.refreshToken),
    'refresh calls reaching the server',
  ).toEqual([login.refreshToken]);
  expect(selectAuthHeader(a!.store.getState()), 'a live token').not.toBeNull();
});

test('after a refresh of an old session lands just after another tab signed in, the new session is still refreshed', async () => {
  const { tabs, server, hub, signInOn } = await openTabs({
    count: 2,
    persist: 'localstorage',
    latencyMs: LATENCY,
  });
  const [a, b] = tabs as [(typeof tabs)[number], (typeof tabs)[number]];
  // B never hears of A's session: it stays signed out until it signs in itself.
  let bHears = false;
  hub.knobs.drop = (delivery) => delivery.to === 'B' && !bHears;
  // Messages take 50 ms, longer than the steps below.
  hub.knobs.delayMs = 50;
  // Both tabs have written what they read at startup.
  await vi.advanceTimersByTimeAsync(1);
  const first = signInOn(a);
  await vi.advanceTimersByTimeAsync(100);
  expect(selectIsAuthenticated(b.store.getState())).toBe(false);

  // A's refresh of session 1 goes out at 30 s and is answered late.
  const gate = a.client.hangNext();
  await vi.advanceTimersByTimeAsync(30_000);
  expect(a.client.calls).toHaveLength(1);

  // B signs in session 2; A's answer for session 1 lands before B's message reaches A.
  bHears = true;
  const second = signInOn(b);
  await vi.advanceTimersByTimeAsync(1);
  const answer = server.refresh(first.refreshToken, 'A');
  const result: RefreshApiResult = answer.ok
    ? { isSuccess: true, newAuthToken: answer.accessToken, newRefreshToken: answer.refreshToken }
    : { isSuccess: false };
  gate.resolve(result);
  await vi.advanceTimersByTimeAsync(200);

  // Session 2's token arrived at 30 s: due at 60 s, expired at 90 s.
  await vi.advanceTimersByTimeAsync(58_000);
  for (const tab of [a, b]) {
    const held = tab.store.getState().auth.session?.refreshToken;
    expect(held, `tab ${tab.label} holds session 2`).toBe(server.current(second.family));
    expect(selectAuthHeader(tab.store.getState()), `tab ${tab.label} has a live token`).not.toBeNull();
  }
  expect(
    server.log.filter((call) => call.refreshToken === second.refreshToken),
    'session 2 was refreshed once',
  ).toHaveLength(1);
  expect(server.counters.reuseDetections).toBe(0);
});
