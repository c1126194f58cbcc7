import type { BaseQueryApi, BaseQueryFn } from '@reduxjs/toolkit/query';
import { expect, test, vi } from 'vitest';
import { createRefresh, selectAuthToken, signIn, type RefreshApiResult } from 'redux-auth-kit';
import { withReauth } from 'redux-auth-kit/query';
import { withFakeClock } from './support/clock';
import { jwtFor } from './support/jwt';
import { makeStore, uniqueAuthName } from './support/harness';
import { createMemoryStorage } from './support/memoryStorage';

withFakeClock();

interface Args {
  path: string;
  authorization?: string;
}

test('a request made the instant a machine wakes waits for the refresh instead of sending the expired token', async () => {
  let answer!: (result: RefreshApiResult) => void;
  const refreshApiCallback = vi.fn(() => new Promise<RefreshApiResult>((resolve) => (answer = resolve)));
  const { store } = await makeStore({
    authName: uniqueAuthName(),
    storage: createMemoryStorage().storage,
    refresh: createRefresh({ refreshApiCallback }),
  });
  const expired = jwtFor(60);
  store.dispatch(signIn({ auth: { token: expired }, refresh: 'r1' }));
  await vi.advanceTimersByTimeAsync(1_000);

  const sent: Array<string | undefined> = [];
  const baseQuery: BaseQueryFn<Args, string, { status: number }> = async (args) => {
    sent.push(args.authorization);
    return { data: 'ok' };
  };
  const query = withReauth(baseQuery, {
    prepareArgs: (args, authorization) => ({ ...args, authorization }),
  });
  const api: BaseQueryApi = {
    signal: new AbortController().signal,
    abort: () => {},
    dispatch: store.dispatch,
    getState: store.getState,
    extra: undefined,
    endpoint: 'profile',
    type: 'query',
  };

  // The machine slept for 20 minutes; no timer has fired since it woke.
  vi.setSystemTime(Date.now() + 20 * 60_000);
  const result = query({ path: '/profile' }, api, {});
  await vi.advanceTimersByTimeAsync(0);
  expect(refreshApiCallback).toHaveBeenCalledTimes(1);
  expect(sent).toEqual([]);

  const fresh = jwtFor(60);
  answer({ isSuccess: true, newAuthToken: fresh });
  await expect(result).resolves.toEqual({ data: 'ok' });
  expect(sent).toEqual([`Bearer ${fresh}`]);
  expect(selectAuthToken(store.getState())).toBe(fresh);
});
