// A machine that slept past both the access and the refresh token's expiry: `checkClock()`
// withdraws the expired access token at once, before any asynchronous storage re-read, since
// `withReauth` reads the header right after it.
import type { BaseQueryApi, BaseQueryFn } from '@reduxjs/toolkit/query';
import { expect, test, vi } from 'vitest';
import { checkClock, createRefresh, selectAuthHeader, selectIsAuthenticated, signIn } from 'redux-auth-kit';
import { withReauth } from 'redux-auth-kit/query';
import { withFakeClock } from './support/clock';
import { createChannelHub } from './support/channel';
import { makeStore, uniqueAuthName } from './support/harness';
import { checkInvariants } from './support/invariants';
import { jwtFor } from './support/jwt';
import { createLockManager } from './support/locks';
import { createMemoryStorage } from './support/memoryStorage';

withFakeClock();

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
  const sent: Array<string | undefined> = [];
  const baseQuery: BaseQueryFn<{ path: string; authorization?: string }, string, { status: number }> = async (
    args,
  ) => {
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
  const result = query({ path: '/profile' }, api, {});
  await vi.advanceTimersByTimeAsync(0);
  await result;
  expect(sent).not.toContain(`Bearer ${token}`);
});
