import { describe, expect, test, vi } from 'vitest';
import type { UnknownAction } from '@reduxjs/toolkit';
import {
  createRefresh,
  refreshFailed,
  refreshNow,
  selectAuthHeader,
  selectAuthToken,
  selectIsAuthenticated,
  selectRefreshStatus,
  selectRefreshToken,
  signIn,
  type RefreshApiCallbackParam,
  type RefreshApiResult,
  type RefreshOptions,
  type WakeReason,
} from 'redux-auth-kit';
import type { CreateAuthStoreOptions } from 'redux-auth-kit/store';
import { recordActions } from './support/actions';
import { T0, withFakeClock } from './support/clock';
import { jwtFor } from './support/jwt';
import { makeStore, uniqueAuthName } from './support/harness';
import { createMemoryStorage } from './support/memoryStorage';

withFakeClock();

async function setup(
  refresh: RefreshOptions,
  listener: CreateAuthStoreOptions<unknown>['listener'] = {},
  token = jwtFor(600),
) {
  const memory = createMemoryStorage();
  const recorder = recordActions();
  const authName = uniqueAuthName();
  const made = await makeStore({
    authName,
    storage: memory.storage,
    refresh,
    middleware: [recorder.middleware],
    listener: { random: () => 0.5, ...listener },
  });
  made.store.dispatch(signIn({ auth: { token }, refresh: 'refresh-1' }));
  return { ...made, ...memory, authName, token, actions: recorder.actions };
}

const failureReasons = (actions: UnknownAction[]) =>
  actions.filter(refreshFailed.match).map((action) => action.payload.reason);

describe('transient failures', () => {
  test('a throwing callback keeps the session and is retried with delays that grow up to the cap', async () => {
    const times: number[] = [];
    const refreshApiCallback = vi.fn(async (): Promise<RefreshApiResult> => {
      times.push(Date.now());
      throw new Error('network down');
    });
    const { store } = await setup(createRefresh({ interval: 10, refreshApiCallback }), {}, jwtFor(3600));

    await vi.advanceTimersByTimeAsync(10_000 + 400_000);
    expect(selectIsAuthenticated(store.getState())).toBe(true);
    expect(selectRefreshToken(store.getState())).toBe('refresh-1');
    expect(selectRefreshStatus(store.getState())).toBe('retrying');

    const delays = times.slice(1).map((at, i) => at - (times[i] ?? Number.NaN));
    expect(delays.length).toBeGreaterThanOrEqual(8);
    // Default base 2 s: the first retry comes after at most 2 s (jitter keeps it in the upper half).
    expect(delays[0]).toBeGreaterThanOrEqual(1_000);
    expect(delays[0]).toBeLessThanOrEqual(2_000);
    const capIndex = delays.findIndex((d, i) => i > 0 && d === delays[i - 1]);
    expect(capIndex).toBeGreaterThan(3);
    for (let i = 1; i < capIndex; i += 1) expect(delays[i]).toBeGreaterThan(delays[i - 1] ?? Infinity);
    const capped = delays[capIndex] ?? Number.NaN;
    for (const d of delays.slice(capIndex)) expect(d).toBe(capped);
    // Default cap 60 s, jittered into its upper half.
    expect(capped).toBeGreaterThanOrEqual(30_000);
    expect(capped).toBeLessThanOrEqual(60_000);
  });

  test('an online wake retries at once and a success leaves the user fresh without signing in again', async () => {
    let trigger: ((reason: WakeReason) => void) | null = null;
    let down = true;
    const times: number[] = [];
    const refreshApiCallback = vi.fn(async (): Promise<RefreshApiResult> => {
      times.push(Date.now());
      if (down) throw new Error('offline');
      return { isSuccess: true, newAuthToken: jwtFor(600) };
    });
    const wake = (onWake: (reason: WakeReason) => void) => {
      trigger = onWake;
      return () => {};
    };
    const { store, token, actions } = await setup(createRefresh({ refreshApiCallback }), { wake });

    await vi.advanceTimersByTimeAsync(9 * 60_000);
    expect(refreshApiCallback).toHaveBeenCalledTimes(1);
    expect(selectRefreshStatus(store.getState())).toBe('retrying');
    const retryAt = store.getState().auth.refresh.retryAt ?? Number.NaN;
    expect(retryAt).toBeGreaterThan(Date.now());

    await vi.advanceTimersByTimeAsync(500);
    down = false;
    expect(trigger).not.toBeNull();
    trigger!('online');
    expect(refreshApiCallback).toHaveBeenCalledTimes(2);
    expect(times[1]).toBe(T0 + 9 * 60_000 + 500);
    expect(times[1]).toBeLessThan(retryAt);
    await vi.advanceTimersByTimeAsync(0);

    const state = store.getState();
    expect(selectRefreshStatus(state)).toBe('idle');
    expect(state.auth.refresh.failures).toBe(0);
    const fresh = selectAuthToken(state);
    expect(fresh).not.toBeNull();
    expect(fresh).not.toBe(token);
    expect(selectAuthHeader(state)).toBe(`Bearer ${fresh}`);
    expect(actions.filter(signIn.match)).toHaveLength(1);
  });

  test('an access token that expires during an outage gives no header but keeps the refresh token and the session', async () => {
    let trigger: ((reason: WakeReason) => void) | null = null;
    let down = true;
    const refreshApiCallback = vi.fn(async (): Promise<RefreshApiResult> => {
      if (down) throw new Error('offline');
      return { isSuccess: true, newAuthToken: jwtFor(600) };
    });
    const wake = (onWake: (reason: WakeReason) => void) => {
      trigger = onWake;
      return () => {};
    };
    const { store, token } = await setup(createRefresh({ refreshApiCallback }), { wake });
    expect(selectAuthHeader(store.getState())).toBe(`Bearer ${token}`);

    await vi.advanceTimersByTimeAsync(10 * 60_000 + 1);
    expect(refreshApiCallback.mock.calls.length).toBeGreaterThan(1);
    let state = store.getState();
    expect(selectAuthHeader(state)).toBeNull();
    expect(selectAuthToken(state)).toBeNull();
    expect(selectRefreshToken(state)).toBe('refresh-1');
    expect(selectIsAuthenticated(state)).toBe(true);

    down = false;
    trigger!('online');
    await vi.advanceTimersByTimeAsync(0);
    state = store.getState();
    expect(selectAuthHeader(state)).toBe(`Bearer ${selectAuthToken(state)}`);
    expect(selectAuthToken(state)).not.toBe(token);
    expect(selectRefreshStatus(state)).toBe('idle');
  });
});

describe('timeout', () => {
  test('a callback that never settles times out at 10 s with the session kept, keeps its signal 5 s more for a late answer, and is retried after', async () => {
    const signals: AbortSignal[] = [];
    const refreshApiCallback = vi.fn(({ signal }: RefreshApiCallbackParam): Promise<RefreshApiResult> => {
      signals.push(signal);
      return new Promise<RefreshApiResult>(() => {});
    });
    const { store, actions } = await setup(createRefresh({ refreshApiCallback }));

    await vi.advanceTimersByTimeAsync(9 * 60_000);
    expect(refreshApiCallback).toHaveBeenCalledTimes(1);
    const signal = signals[0]!;
    expect(signal.aborted).toBe(false);

    await vi.advanceTimersByTimeAsync(9_999);
    expect(signal.aborted).toBe(false);
    expect(failureReasons(actions)).toEqual([]);
    expect(selectRefreshStatus(store.getState())).toBe('refreshing');

    // At the timeout the app stops waiting; the request may have reached the server and its answer
    // holds the only live refresh token, so the signal stays live for half the timeout more.
    await vi.advanceTimersByTimeAsync(1);
    expect(failureReasons(actions)).toEqual(['timeout']);
    expect(selectRefreshStatus(store.getState())).toBe('retrying');
    expect(selectIsAuthenticated(store.getState())).toBe(true);
    expect(signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(signal.aborted).toBe(true);
    expect(failureReasons(actions)).toEqual(['timeout']);

    const retryAt = store.getState().auth.refresh.retryAt ?? Number.NaN;
    expect(retryAt).toBeGreaterThanOrEqual(Date.now());
    await vi.advanceTimersByTimeAsync(retryAt - Date.now());
    expect(refreshApiCallback).toHaveBeenCalledTimes(2);
    expect(signals[1]?.aborted).toBe(false);
  });

  test('an answer that arrives after the timeout, within the grace, is applied', async () => {
    let answer!: (result: RefreshApiResult) => void;
    const refreshApiCallback = vi.fn(
      (_param: RefreshApiCallbackParam) => new Promise<RefreshApiResult>((resolve) => (answer = resolve)),
    );
    const { store, actions } = await setup(createRefresh({ refreshApiCallback }));
    await vi.advanceTimersByTimeAsync(9 * 60_000 + 10_000);
    expect(failureReasons(actions)).toEqual(['timeout']);
    const newToken = jwtFor(600);
    answer({ isSuccess: true, newAuthToken: newToken, newRefreshToken: 'r-late' });
    await vi.advanceTimersByTimeAsync(1);
    expect(selectAuthToken(store.getState())).toBe(newToken);
    expect(selectRefreshToken(store.getState())).toBe('r-late');
    expect(selectRefreshStatus(store.getState())).toBe('idle');
    // The retry the timeout scheduled is not sent: the late answer met its goal.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(refreshApiCallback).toHaveBeenCalledTimes(1);
  });
});

describe('malformed results', () => {
  const cases: Array<{ name: string; result: () => unknown; field: string }> = [
    { name: 'undefined', result: () => undefined, field: 'result' },
    {
      name: '{ isSuccess: true } without a token',
      result: () => ({ isSuccess: true }),
      field: 'newAuthToken',
    },
    {
      name: 'an opaque newAuthToken without newAuthTokenExpireIn',
      result: () => ({ isSuccess: true, newAuthToken: 'opaque-access-7f3a9c' }),
      field: 'newAuthToken',
    },
  ];

  for (const { name, result, field } of cases) {
    test(`a result of ${name} fails as invalid-response, keeps the session and logs one token-free error naming "${field}"`, async () => {
      const error = vi.fn();
      const warn = vi.fn();
      let returned: unknown;
      const refreshApiCallback = async (): Promise<RefreshApiResult> => {
        returned = result();
        return returned as RefreshApiResult;
      };
      const { store, token, actions } = await setup(createRefresh({ refreshApiCallback }), {
        logger: { error, warn },
      });

      const outcome = await store.dispatch(refreshNow());
      expect(outcome).toEqual({ ok: false, reason: 'invalid-response' });
      expect(failureReasons(actions)).toEqual(['invalid-response']);
      const state = store.getState();
      expect(selectIsAuthenticated(state)).toBe(true);
      expect(selectAuthToken(state)).toBe(token);
      expect(selectRefreshToken(state)).toBe('refresh-1');

      expect(error).toHaveBeenCalledTimes(1);
      expect(warn).not.toHaveBeenCalled();
      const text = error.mock.calls[0]!.map(String).join(' ');
      expect(text).toContain(field);
      const secrets = [token, ...token.split('.').slice(1, 2), 'refresh-1'];
      const bad = (returned as { newAuthToken?: unknown } | undefined)?.newAuthToken;
      if (typeof bad === 'string') secrets.push(bad);
      for (const secret of secrets) expect(text).not.toContain(secret);
    });
  }

  test('an opaque newAuthToken with newAuthTokenExpireIn is accepted', async () => {
    const error = vi.fn();
    const refreshApiCallback = async (): Promise<RefreshApiResult> => ({
      isSuccess: true,
      newAuthToken: 'opaque-access-7f3a9c',
      newAuthTokenExpireIn: 300,
    });
    const { store, actions } = await setup(createRefresh({ refreshApiCallback }), {
      logger: { error, warn: vi.fn() },
    });

    const outcome = await store.dispatch(refreshNow());
    expect(outcome).toEqual({ ok: true });
    expect(failureReasons(actions)).toEqual([]);
    expect(error).not.toHaveBeenCalled();
    expect(selectAuthHeader(store.getState())).toBe('Bearer opaque-access-7f3a9c');
    expect(store.getState().auth.session?.expiresAt).toBe(Date.now() + 300_000);
  });
});

describe('rejection', () => {
  test('isSuccess false signs out and leaves no part of any token in storage', async () => {
    const refreshApiCallback = vi.fn(async (): Promise<RefreshApiResult> => ({ isSuccess: false }));
    const { store, persistor, data, authName, token } = await setup(createRefresh({ refreshApiCallback }));
    await persistor.flush();
    expect(data.get(authName)).toContain(token);
    expect(data.get(authName)).toContain('refresh-1');

    const outcome = await store.dispatch(refreshNow());
    expect(outcome).toEqual({ ok: false, reason: 'rejected' });
    expect(refreshApiCallback).toHaveBeenCalledTimes(1);
    expect(store.getState().auth.session).toBeNull();
    expect(selectAuthHeader(store.getState())).toBeNull();
    expect(selectIsAuthenticated(store.getState())).toBe(false);

    await persistor.flush();
    await vi.advanceTimersByTimeAsync(1_000);
    const secrets = [...token.split('.'), 'refresh-1'];
    for (const [key, value] of data) {
      for (const secret of secrets) {
        expect(key).not.toContain(secret);
        expect(value).not.toContain(secret);
      }
    }
  });
});
