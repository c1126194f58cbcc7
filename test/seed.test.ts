import { describe, expect, test, vi } from 'vitest';
import {
  createRefresh,
  selectAuthHeader,
  selectAuthToken,
  selectRefreshToken,
  signIn,
  type RefreshApiCallbackParam,
  type RefreshApiResult,
} from 'redux-auth-kit';
import { withFakeClock } from './support/clock';
import { jwtFor } from './support/jwt';
import { makeStore, uniqueAuthName } from './support/harness';
import { createMemoryStorage } from './support/memoryStorage';

withFakeClock();

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
