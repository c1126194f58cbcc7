// A slow server must not cost the session: a real OAuth 2.0 server that rotates the refresh
// token at once but answers 1.25 s into a 1 s timeout, called by a refreshApiCallback that
// passes `signal` to `fetch` (as the README's example does). Its answer carries the only live
// refresh token; losing it means the retry sends the spent one, and reuse revokes the family.
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

let server: OAuthTestServer;
withFakeClock({ toFake: TIMERS_AND_DATE });
beforeEach(async () => {
  server = await startOAuthServer({ accessTokenLifetime: 60 });
});
afterEach(async () => {
  await server.close();
});

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
