// withReauth(fetchBaseQuery(...)) against a resource protected by a real OAuth 2.0 server
// (bearer tokens checked by @node-oauth/oauth2-server's authenticate, with a deny-list).
import { createApi, fetchBaseQuery } from '@reduxjs/toolkit/query';
import { afterEach, beforeEach, expect, test } from 'vitest';
import {
  createRefresh,
  selectAuthToken,
  selectIsAuthenticated,
  selectRefreshToken,
  signIn,
} from 'redux-auth-kit';
import { withReauth } from 'redux-auth-kit/query';
import { TIMERS_AND_DATE, withFakeClock } from './support/clock';
import { makeStore, uniqueAuthName } from './support/harness';
import { createMemoryStorage } from './support/memoryStorage';
import { oauthRefresh, signInPayload, startOAuthServer, type OAuthTestServer } from './support/oauthServer';

let server: OAuthTestServer;
// Fake timers and clock, real sockets: the tokens live an hour of fake time, and no timer of the
// library (the scheduled refresh, the call's timeout, redux-persist's writes) runs on the wall clock.
withFakeClock({ toFake: TIMERS_AND_DATE });
beforeEach(async () => {
  server = await startOAuthServer({ accessTokenLifetime: 3600 });
});
afterEach(async () => {
  await server.close();
});

/** A store with an API over the protected resource mounted, signed in through the password grant. */
async function signedInApi() {
  const api = createApi({
    baseQuery: withReauth(fetchBaseQuery({ baseUrl: server.url, fetchFn: server.fetch })),
    endpoints: (build) => ({
      // Distinct args, so parallel queries are not deduplicated by RTK Query.
      me: build.query<{ user: string }, number>({ query: (n) => ({ url: '/api/me', params: { n } }) }),
    }),
  });
  const { store } = await makeStore({
    authName: uniqueAuthName(),
    storage: createMemoryStorage().storage,
    refresh: createRefresh({ refreshApiCallback: oauthRefresh(server) }),
    reducer: { [api.reducerPath]: api.reducer },
    middleware: [api.middleware],
  });
  const login = await server.login();
  store.dispatch(signIn(signInPayload(login)));
  const me = (n: number) => store.dispatch(api.endpoints.me.initiate(n, { subscribe: false }));
  return { store, login, me };
}

test('a query carries the access token and the resource accepts it, with no refresh', async () => {
  const { me } = await signedInApi();
  const result = await me(1);
  expect(result.data).toEqual({ user: 'alice' });
  expect(server.counters.refreshGrants).toBe(0);
  expect(server.counters.resourceRejections).toBe(0);
});

test('a refused access token (401) costs one refresh, and the query is retried once and succeeds', async () => {
  const { store, login, me } = await signedInApi();
  server.revokeAccessToken(login.access_token);
  const result = await me(1);
  expect(result.data).toEqual({ user: 'alice' });
  expect(server.counters.refreshGrants).toBe(1);
  expect(server.counters.resourceRequests).toBe(2);
  expect(server.counters.resourceRejections).toBe(1);
  expect(selectAuthToken(store.getState())).not.toBe(login.access_token);
  expect(selectRefreshToken(store.getState())).toBe(server.current(server.familyOf(login.refresh_token!)!));
});

test('ten parallel queries refused with 401 share one refresh and are each retried once', async () => {
  const { me, login } = await signedInApi();
  server.revokeAccessToken(login.access_token);
  const results = await Promise.all(Array.from({ length: 10 }, (_, n) => me(n)));
  for (const result of results) expect(result.data).toEqual({ user: 'alice' });
  expect(server.counters.refreshGrants).toBe(1);
  expect(server.counters.resourceRequests).toBe(20);
  expect(server.sentTwice()).toEqual([]);
});

test('when the family was revoked, the refresh is rejected, the user signed out, and the query gets its 401', async () => {
  const { store, login, me } = await signedInApi();
  server.revoke(server.familyOf(login.refresh_token!)!);
  const result = await me(1);
  expect(result.error).toMatchObject({ status: 401 });
  expect(server.counters.refreshGrants).toBe(1);
  expect(selectIsAuthenticated(store.getState())).toBe(false);
});
