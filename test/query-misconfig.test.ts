import { configureStore } from '@reduxjs/toolkit';
import type { BaseQueryApi, BaseQueryFn } from '@reduxjs/toolkit/query';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { authReducer, signIn } from 'redux-auth-kit';
import { withReauth } from 'redux-auth-kit/query';
import { jwtFor } from './support/jwt';

afterEach(() => {
  vi.restoreAllMocks();
});

/** A base query that records what it was sent and answers with `status` (or data). */
function recorder(status?: number) {
  const sent: unknown[] = [];
  const baseQuery: BaseQueryFn<unknown, string, { status: number }> = async (args) => {
    sent.push(args);
    return status === undefined ? { data: 'ok' } : { error: { status } };
  };
  return { sent, baseQuery };
}

const apiFor = (state: unknown, endpoint = 'data'): BaseQueryApi => ({
  signal: new AbortController().signal,
  abort: () => {},
  dispatch: ((action: unknown) => action) as BaseQueryApi['dispatch'],
  getState: () => state,
  extra: undefined,
  endpoint,
  type: 'query',
});

function signedInState() {
  const store = configureStore({ reducer: { auth: authReducer } });
  store.dispatch(signIn({ auth: { token: jwtFor(3600) } }));
  return store.getState();
}

const messages = (spy: { mock: { calls: unknown[][] } }) =>
  spy.mock.calls.map((call) => String(call[0])).filter((m) => m.includes('withReauth'));

describe('withReauth misconfigurations', () => {
  test('args that are not fetch args are sent untouched, with one warning naming prepareArgs', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { sent, baseQuery } = recorder();
    const query = withReauth(baseQuery as BaseQueryFn<string, string, { status: number }>);
    const api = apiFor(signedInState());
    const args = { path: '/x' } as unknown as string;
    await query(args, api, {});
    await query(args, api, {});
    expect(sent).toEqual([args, args]);
    expect(sent[0]).toBe(args);
    expect(messages(warn)).toHaveLength(1);
    expect(messages(warn)[0]).toMatch(/prepareArgs/);
  });

  test('a skipped endpoint with such args is passed through without a warning', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { sent, baseQuery } = recorder();
    const query = withReauth(baseQuery as BaseQueryFn<string, string, { status: number }>, {
      skipEndpoints: ['raw'],
    });
    const args = { path: '/x' } as unknown as string;
    await query(args, apiFor(signedInState(), 'raw'), {});
    expect(sent).toEqual([args]);
    expect(messages(warn)).toHaveLength(0);
  });

  test('a store without an auth slice sends requests without Authorization, with one error', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { sent, baseQuery } = recorder(401);
    const query = withReauth(baseQuery as BaseQueryFn<string, string, { status: number }>);
    const api = apiFor({ todos: [] });
    expect(await query('/a', api, {})).toEqual({ error: { status: 401 } });
    await query('/b', api, {});
    expect(sent).toEqual(['/a', '/b']);
    expect(messages(error)).toHaveLength(1);
    expect(messages(error)[0]).toMatch(/state\.auth/);
  });

  test('a signed-in store adds the header; a 401 without the auth middleware is returned, not retried', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { sent, baseQuery } = recorder(401);
    const query = withReauth(baseQuery as BaseQueryFn<string, string, { status: number }>);
    const state = signedInState();
    const result = await query('/a', apiFor(state), {});
    expect(result).toEqual({ error: { status: 401 } });
    expect(sent).toEqual([{ url: '/a', headers: { Authorization: `Bearer ${state.auth.session?.token}` } }]);
    expect(messages(error)).toHaveLength(1);
    expect(messages(error)[0]).toMatch(/auth\.middleware/);
  });
});
