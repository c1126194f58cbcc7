import { describe, expect, test, vi } from 'vitest';
import { configureStore, type Middleware, type Reducer, type UnknownAction } from '@reduxjs/toolkit';
import {
  authReducer,
  createRefresh,
  selectRefreshToken,
  signIn,
  signOut,
  type AuthListener,
  type AuthState,
  type RefreshApiCallbackParam,
  type RefreshApiResult,
  type RefreshOptions,
} from 'redux-auth-kit';
import { withFakeClock } from './support/clock';
import { jwtFor } from './support/jwt';
import { makeListener } from './support/harness';

withFakeClock();

const listenerFor = (refresh: RefreshOptions): AuthListener => makeListener({ refresh, random: () => 0.5 });

const withoutPersist = (state: AuthState): AuthState => {
  const { _persist: _ignored, ...rest } = state as AuthState & { _persist?: unknown };
  return rest;
};

describe('replaying the action log', () => {
  test('replaying every recorded action through authReducer reproduces every recorded state', async () => {
    const script: Array<() => RefreshApiResult> = [
      () => ({ isSuccess: true, newAuthToken: jwtFor(3600), newRefreshToken: 'refresh-2' }),
      () => ({
        isSuccess: true,
        newAuthToken: jwtFor(3600),
        newRefreshToken: 'refresh-3',
        newAuthUserState: { n: 2 },
      }),
      () => {
        throw new Error('network blip');
      },
      () => ({ isSuccess: true, newAuthToken: jwtFor(3600), newRefreshTokenExpiresIn: 600 }),
    ];
    const refreshApiCallback = vi.fn(async (): Promise<RefreshApiResult> => {
      const next = script.shift();
      if (next === undefined) throw new Error('no more answers scripted');
      return next();
    });
    const auth = listenerFor(createRefresh({ interval: 10, refreshApiCallback }));

    const log: Array<{ action: UnknownAction; auth: AuthState }> = [];
    // Innermost, so it sees actions in exactly the order the reducer does, nested dispatches included.
    const recorder: Middleware<{}, { auth: AuthState }> = (api) => (next) => (action) => {
      const result = next(action);
      log.push({ action: action as UnknownAction, auth: api.getState().auth });
      return result;
    };
    const store = configureStore({
      reducer: { auth: authReducer },
      middleware: (gDM) => gDM().concat(auth.middleware, recorder),
    });

    store.dispatch(signIn({ auth: { token: jwtFor(3600) }, refresh: 'refresh-1', userState: { n: 1 } }));
    await vi.advanceTimersByTimeAsync(10_000); // first refresh
    await vi.advanceTimersByTimeAsync(10_000); // second refresh
    await vi.advanceTimersByTimeAsync(10_000); // transient failure
    const retryAt = store.getState().auth.refresh.retryAt ?? Number.NaN;
    await vi.advanceTimersByTimeAsync(retryAt - Date.now()); // retry succeeds
    expect(refreshApiCallback).toHaveBeenCalledTimes(4);
    expect(selectRefreshToken(store.getState())).toBe('refresh-3');
    store.dispatch(signOut());
    await vi.advanceTimersByTimeAsync(1_000);
    store.dispatch(signIn({ auth: { token: jwtFor(3600) }, refresh: 'refresh-b' }));
    await vi.advanceTimersByTimeAsync(1_000);

    const types = log.map((entry) => entry.action.type);
    expect(types.filter((t) => t === 'auth/signIn')).toHaveLength(2);
    expect(types.filter((t) => t === 'auth/refreshSucceeded')).toHaveLength(3);
    expect(types.filter((t) => t === 'auth/refreshFailed')).toHaveLength(1);
    expect(types.filter((t) => t === 'auth/signOut')).toHaveLength(1);
    expect(types.indexOf('auth/refreshFailed')).toBeLessThan(types.lastIndexOf('auth/refreshSucceeded'));

    // Replay both the live log and a DevTools-style JSON export of it.
    const exported = JSON.parse(JSON.stringify(log.map((entry) => entry.action))) as UnknownAction[];
    for (const actions of [log.map((entry) => entry.action), exported]) {
      let state = authReducer(undefined, { type: '@@INIT' });
      actions.forEach((action, i) => {
        state = authReducer(state, action);
        expect(withoutPersist(state)).toStrictEqual(withoutPersist(log[i]!.auth));
      });
    }
    expect(log.at(-1)?.auth).toStrictEqual(store.getState().auth);
  });
});

describe('a fake DevTools jump (real ones: devtools-*.test.ts)', () => {
  test('a state put in by an action of the app (a fake jump) never makes a scheduled refresh send the refresh token it brought back', async () => {
    const sent: Array<string | undefined> = [];
    let rotation = 1;
    const refreshApiCallback = vi.fn(
      async ({ refreshToken }: RefreshApiCallbackParam): Promise<RefreshApiResult> => {
        sent.push(refreshToken);
        rotation += 1;
        return { isSuccess: true, newAuthToken: jwtFor(3600), newRefreshToken: `R${rotation}` };
      },
    );
    const auth = listenerFor(createRefresh({ interval: 10, refreshApiCallback }));

    type Root = { auth: AuthState };
    const JUMP = '@@devtools/JUMP';
    // DevTools replaces the state without any action the gate would let through.
    const root: Reducer<Root, UnknownAction, Partial<Root>> = (state, action) =>
      action.type === JUMP
        ? { auth: action.payload as AuthState }
        : { auth: authReducer(state?.auth, action) };
    const store = configureStore({ reducer: root, middleware: (gDM) => gDM().concat(auth.middleware) });

    store.dispatch(signIn({ auth: { token: jwtFor(3600) }, refresh: 'R1' }));
    const withR1 = store.getState().auth;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sent).toEqual(['R1']);
    expect(selectRefreshToken(store.getState())).toBe('R2');

    store.dispatch({ type: JUMP, payload: withR1 });
    expect(selectRefreshToken(store.getState())).toBe('R1');

    // Past the due time of the R2 token, then far beyond, wall-clock checks included. The state
    // came in by an action that is no auth action: a rewritten present, which the library undoes
    // (a real DevTools jump reaches no middleware: test/devtools-past-state.test.ts).
    await vi.advanceTimersByTimeAsync(10_000);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(sent.filter((token) => token === 'R1')).toHaveLength(1);
    expect(sent.slice(0, 3), 'the live refresh tokens, in order').toEqual(['R1', 'R2', 'R3']);
    expect(new Set(sent).size, 'no refresh token sent twice').toBe(sent.length);
    expect(selectRefreshToken(store.getState())).toBe(`R${rotation}`);
  });
});
