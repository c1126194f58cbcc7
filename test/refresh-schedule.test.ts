import { describe, expect, test, vi } from 'vitest';
import {
  createRefresh,
  selectAuthHeader,
  selectAuthToken,
  selectRefreshToken,
  signIn,
  type RefreshApiCallbackParam,
  type RefreshApiResult,
  type RefreshOptions,
} from 'redux-auth-kit';
import { T0, withFakeClock } from './support/clock';
import { jwtFor } from './support/jwt';
import { makeStore, uniqueAuthName } from './support/harness';
import { createMemoryStorage } from './support/memoryStorage';

withFakeClock();

interface Call {
  at: number;
  authToken: string | undefined;
  refreshToken: string | undefined;
}

/** A callback that records when and with what it was called, answering with `answer()`. */
function recordingCallback(answer: () => Promise<RefreshApiResult>) {
  const calls: Call[] = [];
  const callback = vi.fn((param: RefreshApiCallbackParam): Promise<RefreshApiResult> => {
    calls.push({ at: Date.now(), authToken: param.authToken, refreshToken: param.refreshToken });
    return answer();
  });
  return { calls, callback };
}

async function signedInStore(refresh: RefreshOptions, token: string, refreshToken = 'refresh-1') {
  const { storage } = createMemoryStorage();
  const made = await makeStore({ authName: uniqueAuthName(), storage, refresh });
  made.store.dispatch(signIn({ auth: { token }, refresh: refreshToken }));
  return made;
}

describe('expiry-driven refresh', () => {
  test('a 10-minute token is refreshed once at 9:00 after sign-in and not one millisecond earlier', async () => {
    const { calls, callback } = recordingCallback(async () => ({
      isSuccess: true,
      newAuthToken: jwtFor(600),
    }));
    const token = jwtFor(600);
    const { store } = await signedInStore(createRefresh({ refreshApiCallback: callback }), token);
    const signedInAt = Date.now();

    await vi.advanceTimersByTimeAsync(9 * 60_000 - 1);
    expect(callback).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(callback).toHaveBeenCalledTimes(1);
    expect(calls[0]).toEqual({ at: signedInAt + 9 * 60_000, authToken: token, refreshToken: 'refresh-1' });
    expect(selectAuthToken(store.getState())).not.toBe(token);
  });

  test('the next refresh is scheduled from the new token, 9:00 after it arrived', async () => {
    const { calls, callback } = recordingCallback(async () => ({
      isSuccess: true,
      newAuthToken: jwtFor(600),
    }));
    const { store } = await signedInStore(createRefresh({ refreshApiCallback: callback }), jwtFor(600));
    const signedInAt = Date.now();

    await vi.advanceTimersByTimeAsync(9 * 60_000);
    expect(callback).toHaveBeenCalledTimes(1);
    const firstNewToken = selectAuthToken(store.getState());
    const arrivedAt = Date.now();
    expect(arrivedAt).toBe(signedInAt + 9 * 60_000);

    await vi.advanceTimersByTimeAsync(9 * 60_000 - 1);
    expect(callback).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(callback).toHaveBeenCalledTimes(2);
    expect(calls[1]).toEqual({
      at: arrivedAt + 9 * 60_000,
      authToken: firstNewToken,
      refreshToken: 'refresh-1',
    });
  });

  test('a 10-second token is refreshed at 5 s because the margin is capped at half its lifetime', async () => {
    const { calls, callback } = recordingCallback(async () => ({
      isSuccess: true,
      newAuthToken: jwtFor(10),
    }));
    await signedInStore(createRefresh({ refreshApiCallback: callback }), jwtFor(10));

    await vi.advanceTimersByTimeAsync(4_999);
    expect(callback).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(callback).toHaveBeenCalledTimes(1);
    expect(calls[0]?.at).toBe(T0 + 5_000);
  });

  test('with interval 10 a one-hour token is refreshed at 10 s', async () => {
    const { calls, callback } = recordingCallback(async () => ({
      isSuccess: true,
      newAuthToken: jwtFor(3600),
    }));
    await signedInStore(createRefresh({ interval: 10, refreshApiCallback: callback }), jwtFor(3600));

    await vi.advanceTimersByTimeAsync(9_999);
    expect(callback).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.map((c) => c.at)).toEqual([T0 + 10_000]);
  });
});

describe('after the machine slept', () => {
  test('the wall-clock check refreshes without the expired access token but with the refresh token', async () => {
    const { calls, callback } = recordingCallback(async () => ({
      isSuccess: true,
      newAuthToken: jwtFor(600),
    }));
    const token = jwtFor(600);
    const { store } = await signedInStore(createRefresh({ refreshApiCallback: callback }), token);

    await vi.advanceTimersByTimeAsync(3_000);
    // Sleep for 20 minutes: the clock jumps and no pending timer fires.
    vi.setSystemTime(T0 + 20 * 60_000);
    expect(callback).not.toHaveBeenCalled();

    await vi.advanceTimersByTimeAsync(10_000);
    expect(callback).toHaveBeenCalledTimes(1);
    expect(calls[0]?.authToken).toBeUndefined();
    expect(calls[0]?.refreshToken).toBe('refresh-1');
    expect(calls.every((c) => c.authToken !== token)).toBe(true);
    expect(selectAuthToken(store.getState())).not.toBe(token);
  });

  test('the auth header turns null once the check runs and the refresh follows within 10 s', async () => {
    let answer!: (result: RefreshApiResult) => void;
    const { calls, callback } = recordingCallback(
      () => new Promise<RefreshApiResult>((resolve) => (answer = resolve)),
    );
    const token = jwtFor(600);
    const { store } = await signedInStore(createRefresh({ refreshApiCallback: callback }), token);

    await vi.advanceTimersByTimeAsync(3_000);
    vi.setSystemTime(T0 + 20 * 60_000);
    const wokeAt = Date.now();

    await vi.advanceTimersByTimeAsync(10_000);
    expect(callback).toHaveBeenCalledTimes(1);
    const calledAt = calls[0]?.at ?? Number.NaN;
    expect(calledAt).toBeGreaterThan(wokeAt);
    expect(calledAt - wokeAt).toBeLessThanOrEqual(10_000);
    expect(selectAuthHeader(store.getState())).toBeNull();
    expect(selectRefreshToken(store.getState())).toBe('refresh-1');

    const fresh = jwtFor(600);
    answer({ isSuccess: true, newAuthToken: fresh });
    await vi.advanceTimersByTimeAsync(0);
    expect(selectAuthHeader(store.getState())).toBe(`Bearer ${fresh}`);
  });
});

describe('the seed document example', () => {
  test('interval: 10 calls the callback at 10 s and applies its result', async () => {
    const calls: Array<{ at: number; param: Omit<RefreshApiCallbackParam, 'signal'> }> = [];
    const refreshApiCallback = vi.fn(async (param: RefreshApiCallbackParam): Promise<RefreshApiResult> => {
      const { signal: _signal, ...rest } = param;
      calls.push({ at: Date.now(), param: rest });
      return {
        isSuccess: true,
        newAuthToken: jwtFor(3600),
        newAuthTokenExpireIn: 10,
        newRefreshTokenExpiresIn: 60,
      };
    });
    const { storage } = createMemoryStorage();
    const { store } = await makeStore({
      authName: uniqueAuthName(),
      storage,
      refresh: createRefresh({ interval: 10, refreshApiCallback }),
    });
    const start = Date.now();
    const token = jwtFor(3600);
    store.dispatch(signIn({ auth: { token }, refresh: 'refresh-1', userState: { name: 'Ada' } }));

    await vi.advanceTimersByTimeAsync(9_999);
    expect(refreshApiCallback).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(refreshApiCallback).toHaveBeenCalledTimes(1);
    expect(calls[0]).toEqual({
      at: start + 10_000,
      param: { authToken: token, refreshToken: 'refresh-1', authUserState: { name: 'Ada' } },
    });
    const newToken = selectAuthToken(store.getState());
    expect(newToken).not.toBe(token);
    expect(selectAuthHeader(store.getState())).toBe(`Bearer ${newToken}`);
    expect(selectRefreshToken(store.getState())).toBe('refresh-1');
    expect(store.getState().auth.session?.expiresAt).toBe(start + 20_000);
    expect(store.getState().auth.session?.refreshExpiresAt).toBe(start + 70_000);
  });
});
