// Refresh calls for ten concurrent 401s through withReauth(fetchBaseQuery),
// against a real HTTP server: the refresh is held until every query has had
// its 401 and joined, then released.
import type { Middleware } from '@reduxjs/toolkit';
import { createApi, fetchBaseQuery } from '@reduxjs/toolkit/query';
import { afterAll, expect, test } from 'vitest';
import { refreshNow, signIn } from 'redux-auth-kit';
import { withReauth } from 'redux-auth-kit/query';
import { makeApiStore, startTestServer } from '../support/httpServer';
import { writeResults } from './results';

const QUERIES = 10;

const figures: Record<string, unknown> = {};
afterAll(() => writeResults('reauth', figures));

test('refresh calls for ten concurrent 401s through withReauth', async () => {
  const server = await startTestServer();
  try {
    const api = createApi({
      baseQuery: withReauth(fetchBaseQuery({ baseUrl: server.url })),
      endpoints: (build) => ({
        // Distinct args, so RTK Query does not deduplicate the parallel queries.
        data: build.query<{ value: string }, number>({ query: (n) => ({ url: '/api/data', params: { n } }) }),
      }),
    });
    // Every 401 that asks for a refresh dispatches refreshNow: count them to know all ten joined.
    let joined = 0;
    let onJoin = (): void => {};
    const joins: Middleware = () => (next) => (action) => {
      if (refreshNow.match(action)) {
        joined += 1;
        onJoin();
      }
      return next(action);
    };
    const { store } = await makeApiStore(api, {
      refreshBase: server.url,
      retryDelay: 600,
      middleware: [joins],
    });
    store.dispatch(signIn({ auth: { token: server.token }, refresh: server.refreshToken }));

    server.issue(); // the server no longer accepts the signed-in token: every query gets a 401
    server.hold('/refresh');
    const queries = Array.from({ length: QUERIES }, (_, n) =>
      store.dispatch(api.endpoints.data.initiate(n, { subscribe: false })),
    );
    await new Promise<void>((resolve) => {
      onJoin = () => joined >= QUERIES && resolve();
      onJoin();
    });
    await server.until(() => server.parked('/refresh') === 1);
    server.release('/refresh');
    const results = await Promise.all(queries);

    // A measurement, not a verdict: only check that the queries got through in the end.
    expect(results.every((result) => result.data?.value === 'secret')).toBe(true);
    figures.queries = QUERIES;
    figures.refreshCalls = server.count('/refresh');
    figures.requestsPerQuery = server.count('/api/data') / QUERIES;
  } finally {
    await server.close();
  }
});
