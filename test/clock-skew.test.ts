// @vitest-environment jsdom
// A token that has already expired by this clock, but by less than the clock-skew tolerance: the
// client's clock may be ahead, so it is accepted, and refreshed at once, never in a loop.
import { beforeEach, describe, expect, test, vi } from 'vitest';
import { authReducer, createRefresh, selectAuthHeader, signIn } from 'redux-auth-kit';
import { T0, withFakeClock } from './support/clock';
import { makeStore, uniqueAuthName } from './support/harness';
import { jwtFor, makeJwt } from './support/jwt';
import { createLockManager } from './support/locks';

withFakeClock();
beforeEach(() => {
  localStorage.clear();
});

describe('a token that expired within the clock-skew tolerance', () => {
  // No `iat`, and `exp` 30 s ago: accepted (the client clock may be ahead), and due at once.
  const pastToken = (): string => makeJwt({ exp: Date.now() / 1000 - 30 });

  for (const withLocks of [false, true]) {
    test(`is stored, refreshed at once after sign-in, and kept when that refresh fails transiently (${withLocks ? 'with' : 'without'} Web Locks)`, async () => {
      const sent: Array<string | undefined> = [];
      const refresh = createRefresh({
        refreshApiCallback: async ({ refreshToken }) => {
          sent.push(refreshToken);
          throw new TypeError('Failed to fetch');
        },
      });
      const authName = uniqueAuthName();
      const { store, persistor } = await makeStore({
        authName,
        authType: 'localstorage',
        refresh,
        listener: withLocks ? { crossTab: { locks: createLockManager().manager } } : {},
      });
      store.dispatch(signIn({ auth: { token: pastToken() }, refresh: 'r1' }));
      await persistor.flush();
      await vi.advanceTimersByTimeAsync(100);

      expect(sent).toEqual(['r1']);
      expect(store.getState().auth.session).not.toBeNull();
      expect(store.getState().auth.refresh.status).toBe('retrying');
      // Stored as it is, so a reload (or another tab) finds the session.
      expect(localStorage.getItem(authName)).toContain('r1');
    });
  }

  test('is never handed out, even by the reducer alone', () => {
    const state = authReducer(undefined, signIn({ auth: { token: pastToken() }, refresh: 'r1' }));
    expect(selectAuthHeader({ auth: state })).toBeNull();
  });

  test('from a refresh result is refreshed again only after a pause, never in a loop', async () => {
    const warn = vi.fn();
    const sentAt: number[] = [];
    const refresh = createRefresh({
      refreshApiCallback: async () => {
        sentAt.push(Date.now() - T0);
        // A loop would never let timers advance: stop answering after a few.
        if (sentAt.length > 10) return new Promise<never>(() => {});
        return { isSuccess: true, newAuthToken: pastToken() };
      },
    });
    const { store } = await makeStore({
      authName: uniqueAuthName(),
      refresh,
      listener: { logger: { error: () => {}, warn } },
    });
    store.dispatch(signIn({ auth: { token: jwtFor(60) }, refresh: 'r1' }));
    await vi.advanceTimersByTimeAsync(100_000);

    // Due at 30 s (the margin capped at half of 60 s), then every 30 s.
    expect(sentAt).toEqual([30_000, 60_000, 90_000]);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('arrived already expired'));
  });
});
