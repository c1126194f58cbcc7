// A real OAuth 2.0 server that fails: a 500, a request that hangs, an answer that comes after
// the timeout (the token already rotated). None of them may cost the session or make any tab
// send a spent refresh token. Access tokens live 60 s: a refresh is due 30 s after each arrives.
import { afterEach, beforeEach, expect, test } from 'vitest';
import {
  createRefresh,
  selectAuthToken,
  selectIsAuthenticated,
  selectRefreshToken,
  signIn,
} from 'redux-auth-kit';
import { TIMERS_AND_DATE, withFakeClock } from './support/clock';
import { makeStore, uniqueAuthName } from './support/harness';
import { createMemoryStorage } from './support/memoryStorage';
import { oauthRefresh, signInPayload, startOAuthServer, type OAuthTestServer } from './support/oauthServer';
import { openTabs } from './support/tabs';

const HALF_LIFE = 30_000;

let server: OAuthTestServer;
withFakeClock({ toFake: TIMERS_AND_DATE });
beforeEach(async () => {
  server = await startOAuthServer({ accessTokenLifetime: 60 });
});
afterEach(async () => {
  await server.close();
});

/** Four tabs sharing storage, a 2 s refresh timeout, signed in through the password grant. */
async function signedInTabs() {
  const opened = await openTabs({ count: 4, timeout: 2, refreshApiCallback: () => oauthRefresh(server) });
  const login = await server.login();
  opened.tabs[0]!.store.dispatch(signIn(signInPayload(login)));
  await server.advance(100);
  return { ...opened, family: server.familyOf(login.refresh_token!)! };
}

/** After two more token lifetimes: every tab signed in on the family's live token, nothing sent twice. */
async function expectSessionKept(tabs: Awaited<ReturnType<typeof signedInTabs>>): Promise<void> {
  await server.advance(2 * 2 * HALF_LIFE);
  expect(server.counters.reuseDetections, 'spent refresh tokens presented again').toBe(0);
  expect(server.sentTwice()).toEqual([]);
  const now = tabs.expectInSync();
  expect(now.signedIn, 'every tab still signed in').toBe(true);
  expect(now.refreshToken).toBe(server.current(tabs.family));
  const res = await server.fetch(server.resourceUrl, {
    headers: { authorization: `Bearer ${selectAuthToken(tabs.tabs[2]!.store.getState())}` },
  });
  expect(res.status, 'the resource accepts the current token').toBe(200);
}

test('a token endpoint answering 500 keeps every tab signed in, and the retry succeeds', async () => {
  const tabs = await signedInTabs();
  server.hook({ kind: 'error' });
  await server.advance(HALF_LIFE);
  expect(server.counters.serverErrors).toBe(1);
  for (const tab of tabs.tabs) expect(selectIsAuthenticated(tab.store.getState())).toBe(true);
  await expectSessionKept(tabs);
});

test('a token endpoint that hangs keeps every tab signed in: the call times out and the retry succeeds', async () => {
  const tabs = await signedInTabs();
  server.hook({ kind: 'hang' });
  await server.advance(HALF_LIFE);
  // Parked at the server, never processed.
  expect(server.counters.rotations).toBe(0);
  await server.advance(5_000);
  for (const tab of tabs.tabs) expect(selectIsAuthenticated(tab.store.getState())).toBe(true);
  await expectSessionKept(tabs);
});

test('a token endpoint that rotates at once and answers after the timeout keeps every tab signed in, with no reuse', async () => {
  const tabs = await signedInTabs();
  // 2.5 s into a 2 s timeout.
  server.hook({ kind: 'slow', ms: 2_500 });
  await server.advance(HALF_LIFE, 50);
  expect(server.counters.rotations).toBe(1);
  await server.advance(10_000, 50);
  await expectSessionKept(tabs);
});

// A slow server must not cost the session: a real OAuth 2.0 server that rotates the refresh
// token at once but answers 1.25 s into a 1 s timeout, called by a refreshApiCallback that
// passes `signal` to `fetch` (as the README's example does). Its answer carries the only live
// refresh token; losing it means the retry sends the spent one, and reuse revokes the family.
test('an answer 1.25 s into a 1 s timeout, from a server that already rotated, keeps the session with no reuse', async () => {
  const { store } = await makeStore({
    authName: uniqueAuthName(),
    storage: createMemoryStorage().storage,
    refresh: createRefresh({ refreshApiCallback: oauthRefresh(server), timeout: 1 }),
  });
  const login = await server.login();
  store.dispatch(signIn(signInPayload(login)));
  const family = server.familyOf(login.refresh_token!)!;

  // The first refresh (due at 30 s) is rotated at once and answered 1.25 s later.
  server.hook({ kind: 'slow', ms: 1_250 });
  await server.advance(29_900);
  expect(server.counters.refreshGrants).toBe(0);
  await server.advance(10_000, 50);
  expect(server.counters.refreshGrants, 'refresh requests so far').toBeGreaterThanOrEqual(1);

  // Two more token lifetimes.
  await server.advance(120_000);
  expect(server.counters.reuseDetections, 'spent refresh tokens presented again').toBe(0);
  expect(server.sentTwice()).toEqual([]);
  expect(selectIsAuthenticated(store.getState()), 'still signed in').toBe(true);
  expect(selectRefreshToken(store.getState())).toBe(server.current(family));
  const res = await server.fetch(server.resourceUrl, {
    headers: { authorization: `Bearer ${selectAuthToken(store.getState())}` },
  });
  expect(res.status, 'the resource accepts the current token').toBe(200);
});
