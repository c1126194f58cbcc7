import { configureStore, type SerializedError } from '@reduxjs/toolkit';
import {
  createApi as createCoreApi,
  fetchBaseQuery,
  type skipToken,
  type BaseQueryFn,
  type EndpointBuilder,
  type FetchArgs,
  type FetchBaseQueryError,
  type FetchBaseQueryMeta,
} from '@reduxjs/toolkit/query';
import { createApi } from '@reduxjs/toolkit/query/react';
import { describe, expectTypeOf, test } from 'vitest';
import {
  authorizeFetchArgs,
  withReauth,
  type AuthorizableArgs,
  type HeadersLike,
} from 'redux-auth-kit/query';

interface User {
  id: string;
  name: string;
}

describe('withReauth types', () => {
  test('wrapping fetchBaseQuery gives back the same BaseQueryFn type', () => {
    const base = fetchBaseQuery({ baseUrl: '/api' });
    expectTypeOf(withReauth(base)).toEqualTypeOf<
      BaseQueryFn<string | FetchArgs, unknown, FetchBaseQueryError, {}, FetchBaseQueryMeta>
    >();
    expectTypeOf(withReauth(base)).toEqualTypeOf(base);
  });

  test('query hooks keep the endpoint types, written inline in createApi', () => {
    const endpoints = (
      build: EndpointBuilder<
        BaseQueryFn<string | FetchArgs, unknown, FetchBaseQueryError, {}, FetchBaseQueryMeta>,
        never,
        'api'
      >,
    ) => ({
      user: build.query<User, string>({ query: (id) => `/users/${id}` }),
      rename: build.mutation<User, { id: string; name: string }>({
        query: ({ id, name }) => ({ url: `/users/${id}`, method: 'PATCH', body: { name } }),
      }),
    });
    const plain = createApi({ baseQuery: fetchBaseQuery({ baseUrl: '/api' }), endpoints });
    const api = createApi({ baseQuery: withReauth(fetchBaseQuery({ baseUrl: '/api' })), endpoints });
    expectTypeOf(api).toEqualTypeOf(plain);

    expectTypeOf(api.useUserQuery).parameter(0).toEqualTypeOf<string | typeof skipToken>();
    expectTypeOf(api.useUserQuery('1').data).toEqualTypeOf<User | undefined>();
    expectTypeOf(api.useUserQuery('1').error).toEqualTypeOf<
      FetchBaseQueryError | SerializedError | undefined
    >();
    const [rename] = api.useRenameMutation();
    expectTypeOf(rename).parameter(0).toEqualTypeOf<{ id: string; name: string }>();
  });

  test('endpoints defined inline infer through withReauth', () => {
    const api = createApi({
      baseQuery: withReauth(fetchBaseQuery({ baseUrl: '/api' })),
      endpoints: (build) => ({
        user: build.query<User, string>({ query: (id) => `/users/${id}` }),
      }),
    });
    expectTypeOf(api.useUserQuery('1').data).toEqualTypeOf<User | undefined>();
    expectTypeOf(api.useUserQuery('1').error).toEqualTypeOf<
      FetchBaseQueryError | SerializedError | undefined
    >();
  });

  test('initiate results keep the data type', async () => {
    const api = createCoreApi({
      baseQuery: withReauth(fetchBaseQuery({ baseUrl: '/api' }), { statuses: [401, 419] }),
      endpoints: (build) => ({
        user: build.query<User, string>({ query: (id) => `/users/${id}` }),
        users: build.query<User[], void>({ query: () => '/users' }),
      }),
    });
    const store = configureStore({
      reducer: { [api.reducerPath]: api.reducer },
      middleware: (gDM) => gDM().concat(api.middleware),
    });
    const user = await store.dispatch(api.endpoints.user.initiate('1'));
    expectTypeOf(user.data).toEqualTypeOf<User | undefined>();
    const users = await store.dispatch(api.endpoints.users.initiate());
    expectTypeOf(users.data).toEqualTypeOf<User[] | undefined>();
    expectTypeOf(api.endpoints.user.initiate).parameter(0).toEqualTypeOf<string>();
  });

  test('options are typed by the base query args', () => {
    withReauth(fetchBaseQuery(), {
      isRefreshRequest: (args, api) => {
        expectTypeOf(args).toEqualTypeOf<string | FetchArgs>();
        expectTypeOf(api.endpoint).toEqualTypeOf<string>();
        return typeof args !== 'string' && args.url === '/refresh';
      },
      skipEndpoints: ['refresh'],
      statusOf: (error, meta) => {
        expectTypeOf(error).toEqualTypeOf<FetchBaseQueryError>();
        expectTypeOf(meta).toEqualTypeOf<FetchBaseQueryMeta | undefined>();
        return meta?.response?.status;
      },
    });
  });

  test('a custom BaseQueryFn is accepted and keeps its args, result, error, extra options and meta', () => {
    interface Args {
      path: string;
      authorization?: string;
    }
    interface Extra {
      retries?: number;
    }
    const custom: BaseQueryFn<Args, User, { code: number }, Extra, { took: number }> = async () => ({
      data: { id: '1', name: 'Ada' },
      meta: { took: 1 },
    });
    const wrapped = withReauth(custom, {
      prepareArgs: (args, authorization) => {
        expectTypeOf(args).toEqualTypeOf<Args>();
        expectTypeOf(authorization).toEqualTypeOf<string>();
        return { ...args, authorization };
      },
      statusOf: (error) => error.code,
    });
    expectTypeOf(wrapped).toEqualTypeOf(custom);

    const api = createApi({
      baseQuery: wrapped,
      endpoints: (build) => ({
        user: build.query<User, string>({
          query: (id) => ({ path: `/users/${id}` }),
          extraOptions: { retries: 2 },
        }),
      }),
    });
    expectTypeOf(api.useUserQuery('1').data).toEqualTypeOf<User | undefined>();
    expectTypeOf(api.useUserQuery('1').error).toEqualTypeOf<{ code: number } | SerializedError | undefined>();
  });

  test('a base query whose args are not fetch args needs prepareArgs', () => {
    const custom: BaseQueryFn<{ path: string }, unknown, unknown> = async () => ({ data: null });
    // @ts-expect-error prepareArgs is required: the default only knows fetch args
    withReauth(custom);
    withReauth(custom, {
      // @ts-expect-error prepareArgs must return the base query's args
      prepareArgs: (_args: { path: string }, authorization: string) => ({ authorization }),
    });
    withReauth(custom, { prepareArgs: (args) => args });
  });

  test("the installed Redux Toolkit's FetchArgs are args the default prepareArgs handles", () => {
    // Whatever `headers` type this RTK version gives FetchArgs: under the peer test (newest RTK) too.
    expectTypeOf<string | FetchArgs>().toExtend<AuthorizableArgs>();
    expectTypeOf<FetchArgs['headers']>().toExtend<HeadersLike | undefined>();
  });

  test('header values may be numbers and booleans, as RTK 2.15+ FetchArgs allow', () => {
    // RTK 2.15 widened FetchArgs header values to `string | number | boolean | undefined`; a
    // string-only HeadersLike made `withReauth(fetchBaseQuery())` ask for a second argument.
    type WideArgs = { url: string; headers?: Record<string, string | number | boolean | undefined> };
    const wide: BaseQueryFn<WideArgs, unknown, FetchBaseQueryError> = async () => ({ data: null });
    expectTypeOf(withReauth(wide)).toEqualTypeOf(wide);
    const args: WideArgs = { url: '/x', headers: { 'X-Attempt': 2, 'X-Debug': true, 'X-Skip': undefined } };
    expectTypeOf(authorizeFetchArgs(args, 'Bearer t')).toEqualTypeOf<WideArgs>();
    // Values that are not header values still need prepareArgs.
    const odd: BaseQueryFn<{ url: string; headers?: Record<string, object> }> = async () => ({ data: null });
    // @ts-expect-error object header values are no fetch headers: prepareArgs is required
    withReauth(odd);
  });

  test('an inline base query with url args needs no options', () => {
    const inline = async (args: { url: string; headers?: Record<string, string> }) => ({
      data: args.url.length,
    });
    const wrapped = withReauth(inline);
    expectTypeOf(wrapped).parameter(0).toEqualTypeOf<{ url: string; headers?: Record<string, string> }>();
  });
});
