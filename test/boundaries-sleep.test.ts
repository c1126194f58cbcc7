// The first request after a machine slept (no timer fired, the clock jumped): past both the access
// and the refresh token's expiry, `checkClock()` withdraws the expired access token at once, before
// any asynchronous storage re-read, since `withReauth` reads the header right after it; past only
// the access token's, the request waits for the refresh.
import type { BaseQueryApi, BaseQueryFn } from '@reduxjs/toolkit/query';
import { expect, test, vi } from 'vitest';
import {
  checkClock,
  createRefresh,
  selectAuthHeader,
  selectAuthToken,
  selectIsAuthenticated,
  signIn,
  type RefreshApiResult,
} from 'redux-auth-kit';
import { withReauth } from 'redux-auth-kit/query';
import { withFakeClock } from './support/clock';
import { createChannelHub } from './support/channel';
import { makeStore, uniqueAuthName } from './support/harness';
import { checkInvariants } from './support/invariants';
import { jwtFor } from './support/jwt';
import { createLockManager } from './support/locks';
import { createMemoryStorage } from './support/memoryStorage';

withFakeClock();

interface Args {
  path: string;
  authorization?: string;
}

/**
 * `withReauth` over a base query that records the Authorization each request carried, and a
 * `request(args)` that sends one through it as an RTK Query endpoint would.
 */
function recordingQuery(store: Awaited<ReturnType<typeof makeStore>>['store']) {
  const sent: Array<string | undefined> = [];
  const baseQuery: BaseQueryFn<Args, string, { status: number }> = async (args) => {
    sent.push(args.authorization);
    return { data: 'ok' };
  };
  const query = withReauth(baseQuery, { prepareArgs: (args, authorization) => ({ ...args, authorization }) });
  const api: BaseQueryApi = {
    signal: new AbortController().signal,
    abort: () => {},
    dispatch: store.dispatch,
    getState: store.getState,
    extra: undefined,
    endpoint: 'profile',
    type: 'query',
  };
  return { sent, request: (args: Args) => query(args, api, {}) };
}

/** A tab (sharing storage with others: locks and a channel) signed in with a 60 s token and a 120 s refresh token. */
async function tabThatSleeps() {
  const made = await makeStore({
    authName: uniqueAuthName(),
    storage: createMemoryStorage().storage,
    refresh: createRefresh({ refreshApiCallback: () => new Promise<never>(() => {}) }),
    // No wall-clock check: only checkClock() looks at the clock after the sleep.
    listener: {
      wallClockCheck: 0,
      crossTab: { locks: createLockManager().manager, channel: createChannelHub() },
    },
  });
  const token = jwtFor(60);
  made.store.dispatch(signIn({ auth: { token }, refresh: 'rt-sleepy', refreshExpiresIn: 120 }));
  await vi.advanceTimersByTimeAsync(1_000);
  // The machine sleeps for 20 minutes: no timer fires, the clock jumps.
  vi.setSystemTime(Date.now() + 20 * 60_000);
  return { ...made, token };
}

test('checkClock() after a sleep past the expiry of both tokens withdraws the access token at once', async () => {
  const { store } = await tabThatSleeps();
  store.dispatch(checkClock());
  expect(selectAuthHeader(store.getState()), 'the header right after checkClock()').toBeNull();
  checkInvariants(store.getState());
  // Storage holds nothing newer: the session is over.
  await vi.advanceTimersByTimeAsync(0);
  expect(selectIsAuthenticated(store.getState())).toBe(false);
});

test('a withReauth request made right after a sleep past the expiry of both tokens does not carry the expired token', async () => {
  const { store, token } = await tabThatSleeps();
  const { sent, request } = recordingQuery(store);
  const result = request({ path: '/profile' });
  await vi.advanceTimersByTimeAsync(0);
  await result;
  expect(sent).not.toContain(`Bearer ${token}`);
});

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

  const { sent, request } = recordingQuery(store);

  // The machine slept for 20 minutes; no timer has fired since it woke.
  vi.setSystemTime(Date.now() + 20 * 60_000);
  const result = request({ path: '/profile' });
  await vi.advanceTimersByTimeAsync(0);
  expect(refreshApiCallback).toHaveBeenCalledTimes(1);
  expect(sent).toEqual([]);

  const fresh = jwtFor(60);
  answer({ isSuccess: true, newAuthToken: fresh });
  await expect(result).resolves.toEqual({ data: 'ok' });
  expect(sent).toEqual([`Bearer ${fresh}`]);
  expect(selectAuthToken(store.getState())).toBe(fresh);
});
