import { createApi, fetchBaseQuery } from '@reduxjs/toolkit/query';
import { afterEach, beforeEach, expect, test } from 'vitest';
import {
  createRefresh,
  selectAuthHeader,
  selectIsAuthenticated,
  selectRefreshStatus,
  signIn,
  type RefreshApiCallback,
} from 'redux-auth-kit';
import { withReauth } from 'redux-auth-kit/query';
import { makeStore, uniqueAuthName } from './support/harness';
import { startTestServer, type TestServer } from './support/httpServer';
import { createMemoryStorage } from './support/memoryStorage';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
});

/** The app's refresh call, with real fetch: a 500 is network trouble (thrown), a 401 a rejection. */
const refreshCallback: RefreshApiCallback = async ({ refreshToken, signal }) => {
  const res = await fetch(`${server.url}/refresh`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refreshToken }),
    signal,
  });
  if (res.status === 401) return { isSuccess: false };
  if (!res.ok) throw new Error(`refresh answered ${res.status}`);
  const body = (await res.json()) as { token: string };
  return { isSuccess: true, newAuthToken: body.token };
};

test('while refreshes are backing off, requests do not start extra refresh calls', async () => {
  const api = createApi({
    baseQuery: withReauth(fetchBaseQuery({ baseUrl: server.url })),
    endpoints: (build) => ({
      data: build.query<{ value: string }, number>({ query: (n) => ({ url: '/api/data', params: { n } }) }),
    }),
  });
  const { store } = await makeStore({
    authName: uniqueAuthName(),
    storage: createMemoryStorage().storage,
    // After the first failure the next attempt is 30–60 s away: far beyond this test.
    refresh: createRefresh({ refreshApiCallback: refreshCallback, retryDelay: 60 }),
    reducer: { [api.reducerPath]: api.reducer },
    middleware: [api.middleware],
  });
  server.refreshMode = 'error';
  // A 0.2 s token: the scheduler refreshes it at 0.1 s (the server answers 500), then it expires.
  store.dispatch(signIn({ auth: { token: server.token, expiresIn: 0.2 }, refresh: server.refreshToken }));
  await new Promise<void>((resolve) => {
    const check = (): void => {
      if (!store.getState().auth.tokenExpired) return;
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
