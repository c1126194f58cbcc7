import { configureStore, createListenerMiddleware, type Middleware } from '@reduxjs/toolkit';
import { createApi, fetchBaseQuery, type BaseQueryFn, type FetchArgs } from '@reduxjs/toolkit/query';
import { afterEach, beforeEach, describe, expect, onTestFinished, test, vi } from 'vitest';
import {
  authReducer,
  createAuthListener,
  createRefresh,
  refreshNow,
  selectAuthHeader,
  selectIsAuthenticated,
  selectRefreshStatus,
  selectRefreshToken,
  signIn,
} from 'redux-auth-kit';
import { withReauth, type WithReauthOptions } from 'redux-auth-kit/query';
import { TIMERS_AND_DATE, withFakeClock } from './support/clock';
import { fetchRefresh, makeApiStore, startTestServer, type TestServer } from './support/httpServer';

let server: TestServer;
// Fake timers and clock, real sockets: time moves only when a test advances it.
withFakeClock({ toFake: TIMERS_AND_DATE });
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
});

interface Data {
  value: string;
}

function makeApi(options?: WithReauthOptions<string | FetchArgs>) {
  return createApi({
    baseQuery: withReauth(fetchBaseQuery({ baseUrl: server.url }), options),
    endpoints: (build) => ({
      // Distinct args, so parallel queries are not deduplicated by RTK Query.
      data: build.query<Data, number>({ query: (n) => ({ url: '/api/data', params: { n } }) }),
      text: build.query<Data, number>({ query: (n) => `/api/text?n=${n}` }),
      always401: build.query<Data, number>({ query: (n) => `/api/always401?n=${n}` }),
      withCallerHeader: build.query<Data, number>({
        query: (n) => ({
          url: '/api/data',
          params: { n },
          headers: { authorization: 'Bearer caller-token' },
        }),
      }),
      withHeadersInstance: build.query<Data, number>({
        query: (n) => ({ url: '/api/data', params: { n }, headers: new Headers({ 'x-trace': 'instance' }) }),
      }),
      withHeaderPairs: build.query<Data, number>({
        query: (n) => ({ url: '/api/data', params: { n }, headers: [['x-trace', 'pairs']] }),
      }),
      refresh: build.mutation<{ token: string }, string>({
        query: (refreshToken) => ({ url: '/refresh', method: 'POST', body: { refreshToken } }),
      }),
    }),
  });
}

/** Counts `refreshNow` dispatches (each is a request joining or starting the refresh) and lets a test wait on them. */
function refreshNowCounter() {
  let count = 0;
  const listeners = new Set<() => void>();
  const middleware: Middleware = () => (next) => (action) => {
    if (refreshNow.match(action)) {
      count += 1;
      listeners.forEach((listener) => listener());
    }
    return next(action);
  };
  return {
    middleware,
    get count() {
      return count;
    },
    reached: (n: number) =>
      new Promise<void>((resolve) => {
        const check = (): void => {
          if (count < n) return;
          listeners.delete(check);
          resolve();
        };
        listeners.add(check);
        check();
      }),
  };
}

interface SetupOptions {
  api?: WithReauthOptions<string | FetchArgs>;
  refreshBase?: string;
  /** Seconds the signed-in access token lives (overrides its exp); sets when the scheduler refreshes. */
  expiresIn?: number;
}

/** A createAuthStore store with the API mounted, signed in with the server's current token. */
async function setup(options: SetupOptions = {}) {
  const api = makeApi(options.api);
  const counter = refreshNowCounter();
  const { store } = await makeApiStore(api, {
    refreshBase: options.refreshBase ?? server.url,
    // A long retry delay: no backoff retry reaches the server during a test.
    retryDelay: 600,
    middleware: [counter.middleware],
  });
  const token = server.token;
  store.dispatch(
    signIn({
      auth: { token, ...(options.expiresIn !== undefined && { expiresIn: options.expiresIn }) },
      refresh: server.refreshToken,
    }),
  );
  const waitFor = (predicate: () => boolean): Promise<void> =>
    new Promise<void>((resolve) => {
      const check = (): void => {
        if (!predicate()) return;
        unsubscribe();
        resolve();
      };
      const unsubscribe = store.subscribe(check);
      check();
    });
  return { api, store, counter, token, waitFor };
}

const bearer = (token: string): string => `Bearer ${token}`;
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('withReauth with fetchBaseQuery against a real server', () => {
  test('a query carries the Authorization header from the auth slice', async () => {
    const { api, store, token } = await setup();
    const result = await store.dispatch(api.endpoints.data.initiate(1, { subscribe: false }));
    expect(result.data).toEqual({ value: 'secret' });
    expect(server.count('/api/data', bearer(token))).toBe(1);
    expect(server.count('/refresh')).toBe(0);
  });

  test('ten parallel queries that all get 401 cause exactly one refresh, and each is retried once with the new token', async () => {
    const { api, store, counter, token: stale } = await setup();
    server.issue(); // the server no longer accepts the signed-in token
    server.hold('/refresh');
    const queries = range(10).map((n) =>
      store.dispatch(api.endpoints.data.initiate(n, { subscribe: false })),
    );
    await counter.reached(10); // all ten got their 401 and joined the refresh
    await server.until(() => server.parked('/refresh') === 1);
    expect(server.count('/refresh')).toBe(1);
    server.release('/refresh');
    const results = await Promise.all(queries);

    const fresh = server.token;
    expect(selectAuthHeader(store.getState())).toBe(bearer(fresh));
    for (const result of results) expect(result.data).toEqual({ value: 'secret' });
    expect(server.count('/refresh')).toBe(1);
    expect(server.count('/api/data', bearer(stale))).toBe(10);
    expect(server.count('/api/data', bearer(fresh))).toBe(10);
    expect(server.count('/api/data')).toBe(20);
  });

  test('a request sent with token A that gets a 401 after token B was stored is retried with B and causes no refresh', async () => {
    const { api, store, counter, token: a } = await setup();
    server.hold('/api/data');
    const query = store.dispatch(api.endpoints.data.initiate(1, { subscribe: false }));
    await server.until(() => server.parked('/api/data') === 1);

    // Something else refreshes while the request is out: B is stored and A stops working.
    await expect(store.dispatch(refreshNow())).resolves.toEqual({ ok: true });
    const b = server.token;
    expect(b).not.toBe(a);
    expect(selectAuthHeader(store.getState())).toBe(bearer(b));

    server.release('/api/data');
    const result = await query;
    expect(result.data).toEqual({ value: 'secret' });
    expect(server.count('/api/data', bearer(a))).toBe(1);
    expect(server.count('/api/data', bearer(b))).toBe(1);
    expect(server.count('/refresh')).toBe(1); // only the one the test started
    expect(counter.count).toBe(1);
  });

  test('an endpoint that always answers 401 causes one refresh and one retry, then returns the error', async () => {
    const { api, store, token: a } = await setup();
    const result = await store.dispatch(api.endpoints.always401.initiate(1, { subscribe: false }));
    const b = server.token;
    expect(b).not.toBe(a);
    expect(result.error).toEqual({ status: 401, data: { error: 'unauthorized' } });
    expect(server.count('/refresh')).toBe(1);
    expect(server.count('/api/always401')).toBe(2);
    expect(server.count('/api/always401', bearer(a))).toBe(1);
    expect(server.count('/api/always401', bearer(b))).toBe(1);
    expect(selectIsAuthenticated(store.getState())).toBe(true);
  });

  test('a 401 with a plain-text body (a PARSING_ERROR in fetchBaseQuery) is recognised and retried after a refresh', async () => {
    const { api, store, token: stale } = await setup();
    server.issue();
    const result = await store.dispatch(api.endpoints.text.initiate(1, { subscribe: false }));
    expect(result.data).toEqual({ value: 'secret' });
    expect(server.count('/refresh')).toBe(1);
    expect(server.count('/api/text', bearer(stale))).toBe(1);
    expect(server.count('/api/text', bearer(server.token))).toBe(1);
  });

  test('a query issued while a scheduled refresh is in flight is sent once, with the new token', async () => {
    // A 0.2 s token: the scheduler refreshes it at half its lifetime, by itself.
    const { api, store, counter, token: a } = await setup({ expiresIn: 0.2 });
    server.hold('/refresh');
    await vi.advanceTimersByTimeAsync(99);
    expect(selectRefreshStatus(store.getState())).toBe('idle');
    await vi.advanceTimersByTimeAsync(1);
    await server.until(() => server.parked('/refresh') === 1);
    expect(selectRefreshStatus(store.getState())).toBe('refreshing');
    expect(counter.count).toBe(0); // the scheduler started it, not a query

    const query = store.dispatch(api.endpoints.data.initiate(1, { subscribe: false }));
    await counter.reached(1); // the query is waiting on the refresh in flight
    expect(server.count('/api/data')).toBe(0);
    server.release('/refresh');
    const result = await query;

    const b = server.token;
    expect(b).not.toBe(a);
    expect(result.data).toEqual({ value: 'secret' });
    expect(server.count('/api/data')).toBe(1);
    expect(server.count('/api/data', bearer(b))).toBe(1);
    expect(server.count('/refresh')).toBe(1);
  });

  test('while refreshes back off, a query does not add a refresh call; once the retry succeeds it is sent with the new token', async () => {
    const { api, store, waitFor } = await setup({ expiresIn: 0.2 });
    server.refreshMode = 'error';
    // The scheduled refresh (at 0.1 s) fails transiently, then the token expires (at 0.2 s): signed
    // in, but no header to send.
    await vi.advanceTimersByTimeAsync(100);
    await waitFor(() => store.getState().auth.refresh.status === 'retrying');
    expect(store.getState().auth.tokenExpired).toBe(false);
    await vi.advanceTimersByTimeAsync(100);
    expect(store.getState().auth.tokenExpired).toBe(true);
    expect(selectIsAuthenticated(store.getState())).toBe(true);
    expect(selectAuthHeader(store.getState())).toBeNull();
    expect(server.count('/refresh')).toBe(1);
    expect(store.getState().auth.refresh.status).toBe('retrying');

    // Backing off: the request goes out as it is and the failing refresh endpoint is left alone.
    const during = await store.dispatch(api.endpoints.data.initiate(1, { subscribe: false }));
    expect(during.error).toMatchObject({ status: 401 });
    expect(server.count('/refresh')).toBe(1);

    // The retry (here asked for explicitly; the scheduler would do it at retryAt or on `online`) succeeds.
    server.refreshMode = 'ok';
    await expect(store.dispatch(refreshNow())).resolves.toEqual({ ok: true });
    expect(server.count('/refresh')).toBe(2);
    const result = await store.dispatch(api.endpoints.data.initiate(2, { subscribe: false }));
    expect(result.data).toEqual({ value: 'secret' });
    expect(server.count('/refresh')).toBe(2);
    expect(server.count('/api/data', bearer(server.token))).toBe(1);
  });

  test('a rejected refresh signs out and every waiting query receives its 401', async () => {
    const { api, store, counter } = await setup();
    server.issue();
    server.refreshMode = 'reject';
    server.hold('/refresh');
    const queries = range(10).map((n) =>
      store.dispatch(api.endpoints.data.initiate(n, { subscribe: false })),
    );
    await counter.reached(10);
    server.release('/refresh');
    const results = await Promise.all(queries);

    for (const result of results)
      expect(result.error).toEqual({ status: 401, data: { error: 'unauthorized' } });
    expect(server.count('/refresh')).toBe(1);
    expect(server.count('/api/data')).toBe(10); // nothing retried
    expect(selectIsAuthenticated(store.getState())).toBe(false);
  });

  test('a refresh the server answers with 500 keeps the session, and the waiting queries receive their 401', async () => {
    const { api, store, counter } = await setup();
    server.issue();
    server.refreshMode = 'error';
    server.hold('/refresh');
    const queries = range(3).map((n) => store.dispatch(api.endpoints.data.initiate(n, { subscribe: false })));
    await counter.reached(3);
    server.release('/refresh');
    const results = await Promise.all(queries);

    for (const result of results)
      expect(result.error).toEqual({ status: 401, data: { error: 'unauthorized' } });
    expect(server.count('/refresh')).toBe(1);
    expect(server.count('/api/data')).toBe(3);
    expect(selectIsAuthenticated(store.getState())).toBe(true);
    expect(selectRefreshToken(store.getState())).toBe(server.refreshToken);
    expect(selectRefreshStatus(store.getState())).toBe('retrying');
  });

  test('a refresh server that is down keeps the session and returns the 401', async () => {
    const down = await startTestServer();
    const downUrl = down.url;
    await down.close(); // connections to it are refused
    const { api, store, token } = await setup({ refreshBase: downUrl });
    server.issue();
    const result = await store.dispatch(api.endpoints.data.initiate(1, { subscribe: false }));

    expect(result.error).toEqual({ status: 401, data: { error: 'unauthorized' } });
    expect(server.count('/api/data')).toBe(1);
    expect(selectIsAuthenticated(store.getState())).toBe(true);
    expect(store.getState().auth.refresh.lastFailure).toBe('network');
    expect(store.getState().auth.session?.token).toBe(token);
  });

  test('an Authorization header the caller set is not overridden, not delayed, and its 401 causes no refresh or retry', async () => {
    const { api, store, counter } = await setup();
    server.hold('/refresh');
    const engineRefresh = store.dispatch(refreshNow());
    await server.until(() => server.parked('/refresh') === 1);

    // Sent while the refresh is still parked: it did not wait for it.
    const result = await store.dispatch(api.endpoints.withCallerHeader.initiate(1, { subscribe: false }));
    expect(server.parked('/refresh')).toBe(1);
    expect(result.error).toEqual({ status: 401, data: { error: 'unauthorized' } });
    expect(server.count('/api/data')).toBe(1);
    expect(server.count('/api/data', 'Bearer caller-token')).toBe(1);
    expect(counter.count).toBe(1); // only the test's own refreshNow

    server.release('/refresh');
    await expect(engineRefresh).resolves.toEqual({ ok: true });
    expect(server.count('/refresh')).toBe(1);
  });

  test('the header is added beside headers given as a Headers instance or as pairs', async () => {
    const { api, store, token } = await setup();
    const fromInstance = await store.dispatch(
      api.endpoints.withHeadersInstance.initiate(1, { subscribe: false }),
    );
    const fromPairs = await store.dispatch(api.endpoints.withHeaderPairs.initiate(2, { subscribe: false }));
    expect(fromInstance.data).toEqual({ value: 'secret' });
    expect(fromPairs.data).toEqual({ value: 'secret' });
    expect(server.requests.map((r) => [r.headers['x-trace'], r.authorization])).toEqual([
      ['instance', bearer(token)],
      ['pairs', bearer(token)],
    ]);
  });

  test("headers from fetchBaseQuery's prepareHeaders are kept, and prepareHeaders sees the Authorization header", async () => {
    const seen: Array<string | null> = [];
    const api = createApi({
      baseQuery: withReauth(
        fetchBaseQuery({
          baseUrl: server.url,
          prepareHeaders: (headers) => {
            seen.push(headers.get('authorization'));
            headers.set('x-app', 'global');
          },
        }),
      ),
      endpoints: (build) => ({ data: build.query<Data, number>({ query: (n) => `/api/data?n=${n}` }) }),
    });
    const { store } = await makeApiStore(api, { refreshBase: server.url });
    const stale = server.token;
    store.dispatch(signIn({ auth: { token: stale }, refresh: server.refreshToken }));
    server.issue();
    const result = await store.dispatch(api.endpoints.data.initiate(1, { subscribe: false }));

    expect(result.data).toEqual({ value: 'secret' });
    expect(seen).toEqual([bearer(stale), bearer(server.token)]);
    const dataRequests = server.requests.filter((r) => r.path === '/api/data');
    expect(dataRequests.map((r) => [r.headers['x-app'], r.authorization])).toEqual([
      ['global', bearer(stale)],
      ['global', bearer(server.token)],
    ]);
  });

  test('the refresh endpoint (isRefreshRequest) is sent at once without a header, never delayed or retried', async () => {
    const { api, store, counter } = await setup({
      api: { isRefreshRequest: (args) => typeof args !== 'string' && args.url === '/refresh' },
    });
    server.hold('/refresh');
    const engineRefresh = store.dispatch(refreshNow());
    await server.until(() => server.parked('/refresh') === 1);
    expect(selectRefreshStatus(store.getState())).toBe('refreshing');

    // While a refresh is in flight, the app's own refresh request goes out at once.
    const mutation = store.dispatch(api.endpoints.refresh.initiate('not-the-refresh-token'));
    await server.until(() => server.parked('/refresh') === 2);
    expect(server.requests.filter((r) => r.path === '/refresh').map((r) => r.authorization)).toEqual([
      null,
      null,
    ]);

    server.release('/refresh');
    const result = await mutation;
    await expect(engineRefresh).resolves.toEqual({ ok: true });
    // `in`: before RTK 2.3 a mutation's result type has `error` only on its failure branch.
    expect('error' in result && result.error).toEqual({
      status: 401,
      data: { error: 'invalid refresh token' },
    });
    expect(server.count('/refresh')).toBe(2); // the 401 was not retried and caused no refresh
    expect(counter.count).toBe(1); // only the test's own refreshNow
    expect(selectIsAuthenticated(store.getState())).toBe(true);
  });

  test('an endpoint in skipEndpoints is passed straight through: no header, no refresh, no retry', async () => {
    const { api, store, counter } = await setup({ api: { skipEndpoints: ['always401'] } });
    const result = await store.dispatch(api.endpoints.always401.initiate(1, { subscribe: false }));
    expect(result.error).toEqual({ status: 401, data: { error: 'unauthorized' } });
    expect(server.count('/api/always401')).toBe(1);
    expect(server.count('/api/always401', null)).toBe(1);
    expect(counter.count).toBe(0);
  });

  test('statuses decides which errors are refusals', async () => {
    const { api, store } = await setup({ api: { statuses: [419] } });
    const result = await store.dispatch(api.endpoints.always401.initiate(1, { subscribe: false }));
    expect(result.error).toMatchObject({ status: 401 });
    expect(server.count('/api/always401')).toBe(1);
    expect(server.count('/refresh')).toBe(0);
  });

  test('a signed-out store sends no header and does not refresh', async () => {
    const api = makeApi();
    const { store } = await makeApiStore(api, { refreshBase: server.url });
    const result = await store.dispatch(api.endpoints.data.initiate(1, { subscribe: false }));
    expect(result.error).toMatchObject({ status: 401 });
    expect(server.count('/api/data', null)).toBe(1);
    expect(server.count('/refresh')).toBe(0);
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
    await vi.advanceTimersByTimeAsync(100);
    // The failed refresh is answered over the real socket while fake time stands still.
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if (store.getState().auth.refresh.status !== 'retrying') return;
        unsubscribe();
        resolve();
      };
      const unsubscribe = store.subscribe(check);
      check();
    });
    await vi.advanceTimersByTimeAsync(100);
    expect(store.getState().auth.tokenExpired).toBe(true);
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
});

describe('withReauth with a custom base query', () => {
  interface CustomArgs {
    path: string;
    authorization?: string;
    /** Sent with no credentials of ours. */
    anonymous?: boolean;
  }
  interface CustomError {
    code: number;
    message: string;
  }
  const customBaseQuery: BaseQueryFn<CustomArgs, unknown, CustomError, {}, { status: number }> = async (
    args,
    api,
  ) => {
    const res = await fetch(`${server.url}${args.path}`, {
      headers: args.authorization === undefined ? {} : { authorization: args.authorization },
      signal: api.signal,
    });
    const meta = { status: res.status };
    if (!res.ok) return { error: { code: res.status, message: await res.text() }, meta };
    return { data: (await res.json()) as unknown, meta };
  };

  test('prepareArgs adds the header and statusOf reads the refusal: refreshed once, retried once', async () => {
    const api = createApi({
      baseQuery: withReauth(customBaseQuery, {
        prepareArgs: (args, authorization) => (args.anonymous === true ? args : { ...args, authorization }),
        statusOf: (error) => error.code,
      }),
      endpoints: (build) => ({
        data: build.query<Data, CustomArgs>({ query: (args) => args }),
      }),
    });
    const { store } = await makeApiStore(api, { refreshBase: server.url });
    const stale = server.token;
    store.dispatch(signIn({ auth: { token: stale }, refresh: server.refreshToken }));
    server.issue();

    const result = await store.dispatch(
      api.endpoints.data.initiate({ path: '/api/data' }, { subscribe: false }),
    );
    expect(result.data).toEqual({ value: 'secret' });
    expect(server.count('/refresh')).toBe(1);
    expect(server.count('/api/data', bearer(stale))).toBe(1);
    expect(server.count('/api/data', bearer(server.token))).toBe(1);

    // prepareArgs returned the args untouched: sent as they are, never retried.
    const anonymous = await store.dispatch(
      api.endpoints.data.initiate({ path: '/api/data', anonymous: true }, { subscribe: false }),
    );
    expect(anonymous.error).toEqual({ code: 401, message: '{"error":"unauthorized"}' });
    expect(server.count('/api/data', null)).toBe(1);
    expect(server.count('/refresh')).toBe(1);
  });
});

describe('withReauth without the auth middleware', () => {
  test('a store without auth.middleware fails loudly once and returns the original error', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const api = makeApi();
    const store = configureStore({
      reducer: { auth: authReducer, [api.reducerPath]: api.reducer },
      middleware: (gDM) => gDM().concat(api.middleware),
    });
    store.dispatch(signIn({ auth: { token: server.token }, refresh: server.refreshToken }));
    const first = await store.dispatch(api.endpoints.always401.initiate(1, { subscribe: false }));
    const second = await store.dispatch(api.endpoints.always401.initiate(2, { subscribe: false }));

    expect(first.error).toMatchObject({ status: 401 });
    expect(second.error).toMatchObject({ status: 401 });
    expect(server.count('/api/always401')).toBe(2);
    expect(server.count('/refresh')).toBe(0);
    const messages = error.mock.calls.map((call) => String(call[0])).filter((m) => m.includes('withReauth'));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/auth\.middleware/);
  });

  test('with auth.startListening on the app listener, the refresh option joins the same single flight', async () => {
    const auth = createAuthListener({
      refresh: createRefresh({ refreshApiCallback: fetchRefresh(server.url) }),
      wake: false,
      wallClockCheck: 0,
    });
    onTestFinished(() => auth.dispose());
    const appListener = createListenerMiddleware();
    auth.startListening(appListener.startListening as Parameters<typeof auth.startListening>[0]);
    const api = makeApi({ refresh: auth.refresh });
    const store = configureStore({
      reducer: { auth: authReducer, [api.reducerPath]: api.reducer },
      middleware: (gDM) => gDM().prepend(appListener.middleware).concat(api.middleware),
    });
    const stale = server.token;
    store.dispatch(signIn({ auth: { token: stale }, refresh: server.refreshToken }));
    server.issue();
    const results = await Promise.all(
      range(3).map((n) => store.dispatch(api.endpoints.data.initiate(n, { subscribe: false }))),
    );

    for (const result of results) expect(result.data).toEqual({ value: 'secret' });
    expect(server.count('/refresh')).toBe(1);
    expect(server.count('/api/data', bearer(stale))).toBe(3);
    expect(server.count('/api/data', bearer(server.token))).toBe(3);
  });
});
