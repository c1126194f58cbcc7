import { createApi, fetchBaseQuery } from '@reduxjs/toolkit/query';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { selectAuthHeader, selectIsAuthenticated, selectRefreshStatus, signIn } from 'redux-auth-kit';
import { withReauth } from 'redux-auth-kit/query';
import { makeApiStore, startTestServer, type TestServer } from './support/httpServer';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
});

test('while refreshes are backing off, requests do not start extra refresh calls', async () => {
  const api = createApi({
    baseQuery: withReauth(fetchBaseQuery({ baseUrl: server.url })),
    endpoints: (build) => ({
      data: build.query<{ value: string }, number>({ query: (n) => ({ url: '/api/data', params: { n } }) }),
    }),
  });
  const { store } = await makeApiStore(api, {
    refreshBase: server.url,
    // After the first failure the next attempt is 30–60 s away: far beyond this test.
    retryDelay: 60,
  });
  server.refreshMode = 'error';
  // A 0.2 s token: the scheduler refreshes it at 0.1 s (the server answers 500), then it expires.
  store.dispatch(signIn({ auth: { token: server.token, expiresIn: 0.2 }, refresh: server.refreshToken }));
  // Both: the token has expired and the failed refresh has been answered. Under load the expiry can
  // come first, while the refresh request is still on its way to the server.
  await new Promise<void>((resolve) => {
    const check = (): void => {
      const { tokenExpired, refresh } = store.getState().auth;
      if (!tokenExpired || refresh.status !== 'retrying') return;
      unsubscribe();
      resolve();
    };
    const unsubscribe = store.subscribe(check);
    check();
  });
  expect(server.count('/refresh')).toBe(1);
  expect(selectRefreshStatus(store.getState())).toBe('retrying');
  const { retryAt } = store.getState().auth.refresh;
  expect(retryAt).toBeGreaterThan(Date.now() + 20_000);
  expect(selectIsAuthenticated(store.getState())).toBe(true);
  expect(selectAuthHeader(store.getState())).toBeNull();

  for (let n = 0; n < 5; n += 1) {
    const result = await store.dispatch(api.endpoints.data.initiate(n, { subscribe: false }));
    expect(result.data).toBeUndefined();
    expect(result.error).toBeDefined();
  }

  expect(server.count('/refresh')).toBe(1);
  expect(store.getState().auth.refresh).toMatchObject({ status: 'retrying', failures: 1, retryAt });
  expect(selectIsAuthenticated(store.getState())).toBe(true);
});
