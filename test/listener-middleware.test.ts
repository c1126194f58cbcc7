// The auth listeners on a store: auth.middleware, whose action-type gate keeps unrelated actions
// away from them, or auth.startListening on an app's own listener middleware.
import { describe, expect, test, vi } from 'vitest';
import {
  combineReducers,
  configureStore,
  createListenerMiddleware,
  type Middleware,
  type Reducer,
  type StoreEnhancer,
  type UnknownAction,
} from '@reduxjs/toolkit';
import {
  authReducer,
  createAuthListener,
  createRefresh,
  refreshNow,
  selectAuthToken,
  signIn,
  liveStateReapplied,
  signOut,
  type AuthRootState,
  type AuthState,
  type RefreshApiResult,
} from 'redux-auth-kit';
import { withFakeClock } from './support/clock';
import { jwtFor } from './support/jwt';
import { makeListener } from './support/harness';

withFakeClock();

const todos: Reducer<number, UnknownAction> = (state = 0, action) =>
  action.type === 'todos/add' ? state + 1 : state;

/** A refresh callback that answers at once with a new access token living `seconds`. */
const answering = (seconds = 120) =>
  vi.fn(async (): Promise<RefreshApiResult> => ({ isSuccess: true, newAuthToken: jwtFor(seconds) }));

/** A middleware that records the type of every action the store reduces. */
function typeRecorder(): { types: string[]; middleware: Middleware } {
  const types: string[] = [];
  const middleware: Middleware = () => (next) => (action) => {
    types.push((action as UnknownAction).type);
    return next(action);
  };
  return { types, middleware };
}

function setup(mode: 'gated' | 'ungated' = 'gated') {
  const refreshApiCallback = answering(3600);
  const auth = makeListener({ refresh: createRefresh({ interval: 10, refreshApiCallback }) });
  // The control: the same listeners on an app's own (ungated) listener middleware.
  const appListener = createListenerMiddleware<AuthRootState>();
  if (mode === 'ungated') auth.startListening(appListener.startListening);
  // Counts getState calls made through the middleware API: RTK's listener middleware reads the
  // state for every action it sees, so an ungated middleware would show up here.
  const reads = { getState: 0 };
  const countReads: StoreEnhancer = (createStore) => (reducer, preloadedState) => {
    const inner = createStore(reducer, preloadedState);
    return {
      ...inner,
      getState: () => {
        reads.getState += 1;
        return inner.getState();
      },
    };
  };
  // RTK's dev-only checks time themselves with Date.now(); turn them off so only our middleware is measured.
  const store = configureStore({
    reducer: { auth: authReducer, todos },
    middleware: (gDM) =>
      gDM({ immutableCheck: false, serializableCheck: false }).concat(
        mode === 'gated' ? auth.middleware : appListener.middleware,
      ),
    enhancers: (getDefaultEnhancers) => getDefaultEnhancers().concat(countReads),
  });
  return { store, refreshApiCallback, reads };
}

describe('the action-type gate', () => {
  test('unrelated actions never reach the auth listeners while auth actions do', async () => {
    const { store } = setup();
    const signInAction = signIn({ auth: { token: jwtFor(3600) }, refresh: 'refresh-1' });
    const now = vi.spyOn(Date, 'now');

    store.dispatch({ type: 'todos/add' });
    expect(now).not.toHaveBeenCalled();

    store.dispatch(signInAction);
    expect(now).toHaveBeenCalled();

    now.mockClear();
    for (let i = 0; i < 1000; i += 1) store.dispatch({ type: 'todos/add' });
    expect(now).not.toHaveBeenCalled();
    expect(store.getState().todos).toBe(1001);
  });

  test('unrelated actions do not make the auth middleware read the state while auth actions do', () => {
    const { store, reads } = setup();
    const signInAction = signIn({ auth: { token: jwtFor(3600) }, refresh: 'refresh-1' });

    reads.getState = 0;
    for (let i = 0; i < 1000; i += 1) store.dispatch({ type: 'todos/add' });
    expect(reads.getState).toBe(0);

    store.dispatch(signInAction);
    expect(reads.getState).toBeGreaterThan(0);
  });

  test('signed in too, unrelated actions make the auth middleware read nothing', () => {
    const { store, reads } = setup();
    store.dispatch(signIn({ auth: { token: jwtFor(3600) }, refresh: 'refresh-1' }));
    reads.getState = 0;
    for (let i = 0; i < 1000; i += 1) store.dispatch({ type: 'todos/add' });
    expect(reads.getState).toBe(0);
  });

  test('the same listeners without the gate read the state on every unrelated action, so the probe above can fail', () => {
    const { store, reads } = setup('ungated');
    reads.getState = 0;
    for (let i = 0; i < 1000; i += 1) store.dispatch({ type: 'todos/add' });
    expect(reads.getState).toBeGreaterThanOrEqual(1000);
  });

  test('a thousand unrelated dispatches do not move the scheduled refresh', async () => {
    const { store, refreshApiCallback } = setup();
    store.dispatch(signIn({ auth: { token: jwtFor(3600) }, refresh: 'refresh-1' }));

    await vi.advanceTimersByTimeAsync(5_000);
    for (let i = 0; i < 1000; i += 1) store.dispatch({ type: 'todos/add' });
    await vi.advanceTimersByTimeAsync(4_999);
    expect(refreshApiCallback).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(refreshApiCallback).toHaveBeenCalledTimes(1);
  });

  test('dispatching refreshNow returns a promise and an unrelated action returns the action itself', async () => {
    const { store } = setup();
    store.dispatch(signIn({ auth: { token: jwtFor(3600) }, refresh: 'refresh-1' }));

    const action = { type: 'todos/add' };
    expect(store.dispatch(action)).toBe(action);
    const outcome = store.dispatch(refreshNow());
    expect(outcome).toBeInstanceOf(Promise);
    await expect(outcome).resolves.toEqual({ ok: true });
  });
});

describe('an app listener middleware instead of auth.middleware', () => {
  test("the auth listeners work on an app's own listener middleware", async () => {
    const refreshApiCallback = vi.fn(async () => ({ isSuccess: true as const, newAuthToken: jwtFor(120) }));
    const auth = createAuthListener({ refresh: createRefresh({ refreshApiCallback }), wake: false });
    const appListener = createListenerMiddleware();
    const stop = auth.startListening(appListener.startListening);
    const store = configureStore({
      reducer: { auth: authReducer },
      middleware: (gDM) => gDM().prepend(appListener.middleware),
    });
    store.dispatch(signIn({ auth: { token: jwtFor(120) }, refresh: 'r1' }));
    await vi.advanceTimersByTimeAsync(59_999);
    expect(refreshApiCallback).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(refreshApiCallback).toHaveBeenCalledTimes(1);

    // There dispatch returns the action; auth.refresh() gives the outcome and joins the flight.
    const before = selectAuthToken(store.getState());
    expect(store.dispatch(refreshNow())).toEqual(refreshNow());
    await expect(auth.refresh()).resolves.toEqual({ ok: true });
    expect(refreshApiCallback).toHaveBeenCalledTimes(2);
    expect(selectAuthToken(store.getState())).not.toBe(before);

    stop();
    auth.dispose();
  });
});

describe('the auth slice changed by an action of the app', () => {
  test('a root reducer resetting the state on logout signs the session out everywhere at the next check, with a warning', async () => {
    const refreshApiCallback = answering();
    const warn = vi.fn();
    const auth = makeListener({
      refresh: createRefresh({ refreshApiCallback }),
      logger: { error: vi.fn(), warn },
    });
    const app = combineReducers({ auth: authReducer, todos });
    const resetting: Reducer<ReturnType<typeof app>, UnknownAction> = (state, action) =>
      app(action.type === 'app/logout' ? undefined : state, action);
    const { types, middleware: recordTypes } = typeRecorder();
    const store = configureStore({
      reducer: resetting,
      middleware: (gDM) => gDM().concat(auth.middleware).concat(recordTypes),
    });
    store.dispatch(signIn({ auth: { token: jwtFor(120) }, refresh: 'r1' }));
    store.dispatch({ type: 'app/logout' });
    expect(selectAuthToken(store.getState()), 'the reset signed the store out').toBeNull();

    // The wall-clock check (every 10 s) sees the present without the live session and follows it.
    await vi.advanceTimersByTimeAsync(10_000);
    expect(types.filter((type) => type.startsWith('auth/'))).toEqual([
      'auth/signIn',
      'auth/shownChecked',
      'auth/signOut',
    ]);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('signed out everywhere'));
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(refreshApiCallback).not.toHaveBeenCalled();
    expect(selectAuthToken(store.getState())).toBeNull();
    await expect(auth.refresh()).resolves.toEqual({ ok: false, reason: 'signed-out' });
    auth.dispose();
  });

  test('a liveStateReapplied dispatched again (replayed, synced in from elsewhere) brings back nothing', async () => {
    const refreshApiCallback = answering();
    const auth = makeListener({ refresh: createRefresh({ refreshApiCallback }) });
    const store = configureStore({
      reducer: { auth: authReducer, todos },
      middleware: (gDM) => gDM().prepend(auth.middleware),
    });
    store.dispatch(signIn({ auth: { token: jwtFor(120) }, refresh: 'r1' }));
    const recorded = liveStateReapplied({ live: store.getState().auth });
    store.dispatch(signOut());
    store.dispatch(recorded);
    expect(selectAuthToken(store.getState()), 'the reducer applies it').not.toBeNull();
    // The library follows its own session (signed out) and puts the present right at once.
    await vi.advanceTimersByTimeAsync(0);
    expect(selectAuthToken(store.getState()), 'put right').toBeNull();
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(refreshApiCallback).not.toHaveBeenCalled();
    await expect(auth.refresh()).resolves.toEqual({ ok: false, reason: 'signed-out' });
    auth.dispose();
  });

  test.each(['signs the present out', 'keeps an older session in the present'] as const)(
    'a reducer of the app that %s on every action is put right once, never in a loop',
    async (guard) => {
      const refreshApiCallback = answering();
      const error = vi.fn();
      const auth = makeListener({
        refresh: createRefresh({ refreshApiCallback }),
        logger: { error, warn: vi.fn() },
      });
      const flags: Reducer<{ locked: boolean }, UnknownAction> = (state = { locked: false }, action) =>
        action.type === 'app/lock' ? { locked: true } : state;
      const app = combineReducers({ auth: authReducer, flags });
      let kept: AuthState | null = null;
      // The app's own guard, applied on every action, and returning a new root state each time.
      const guarded: Reducer<ReturnType<typeof app>, UnknownAction> = (state, action) => {
        const next = app(state, action);
        if (!next.flags.locked) return next;
        if (guard === 'signs the present out') return { ...next, auth: authReducer(next.auth, signOut()) };
        kept ??= next.auth;
        return { ...next, auth: kept };
      };
      const { types, middleware: recordTypes } = typeRecorder();
      const store = configureStore({
        reducer: guarded,
        middleware: (gDM) => gDM().prepend(auth.middleware).concat(recordTypes),
      });
      store.dispatch(signIn({ auth: { token: jwtFor(120) }, refresh: 'r1' }));
      await vi.advanceTimersByTimeAsync(59_500);
      store.dispatch({ type: 'app/lock' });
      await vi.advanceTimersByTimeAsync(10 * 60_000);
      const count = (type: string) => types.filter((t) => t === type).length;
      // Once per live state at most: the sign-in's, and the one its token's expiry made.
      expect(count('auth/liveStateReapplied') + count('auth/signOut'), 'put right').toBeLessThanOrEqual(2);
      expect(count('auth/shownChecked'), 'checks of which state is shown').toBeLessThanOrEqual(2);
      expect(error).not.toHaveBeenCalled();
      expect(refreshApiCallback).not.toHaveBeenCalled();
      auth.dispose();
    },
  );
});

describe('dispose stops everything, whichever way the listeners were added', () => {
  /** A store signed in with a 120 s token, its listeners added the given way, and what the store saw. */
  function signedInStore(way: 'middleware' | 'startListening' | 'stopped startListening') {
    const refreshApiCallback = answering();
    const auth = createAuthListener({ refresh: createRefresh({ refreshApiCallback }), wake: false });
    const appListener = createListenerMiddleware();
    const stop = way === 'middleware' ? undefined : auth.startListening(appListener.startListening);
    const { types, middleware: recordTypes } = typeRecorder();
    configureStore({
      reducer: { auth: authReducer },
      middleware: (gDM) =>
        gDM()
          .prepend(way === 'middleware' ? auth.middleware : appListener.middleware)
          .concat(recordTypes),
    }).dispatch(signIn({ auth: { token: jwtFor(120) }, refresh: 'r1' }));
    const teardown = () => {
      if (way === 'stopped startListening') stop?.();
      auth.dispose();
    };
    return { refreshApiCallback, types, teardown };
  }

  test.each(['middleware', 'startListening', 'stopped startListening'] as const)(
    '%s: after dispose no timer is left, nothing is dispatched and nothing is called, a day later',
    async (way) => {
      const { refreshApiCallback, types, teardown } = signedInStore(way);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(vi.getTimerCount(), 'the due time and the wall-clock check wait').toBeGreaterThan(0);
      teardown();
      const seen = types.length;
      await vi.advanceTimersByTimeAsync(24 * 3_600_000);
      expect(types.slice(seen), 'actions after dispose').toEqual([]);
      expect(refreshApiCallback).not.toHaveBeenCalled();
      expect(vi.getTimerCount(), 'timers left').toBe(0);
    },
  );
});

describe('middleware that passes actions on with next', () => {
  test('RTK Query changing the state past the auth middleware does not hold a refresh back', async () => {
    const { createApi, fakeBaseQuery } = await import('@reduxjs/toolkit/query');
    const api = createApi({
      baseQuery: fakeBaseQuery(),
      endpoints: (build) => ({ me: build.query<string, void>({ queryFn: () => ({ data: 'me' }) }) }),
    });
    const refreshApiCallback = answering(60);
    const warn = vi.fn();
    const auth = makeListener({
      refresh: createRefresh({ refreshApiCallback }),
      logger: { error: vi.fn(), warn },
    });
    const store = configureStore({
      reducer: { auth: authReducer, [api.reducerPath]: api.reducer },
      // The auth middleware first, as createAuthStore and the README put it: RTK Query's own
      // bookkeeping (subscriptionsUpdated) reaches the reducers through `next`, past it.
      middleware: (gDM) => gDM().prepend(auth.middleware).concat(api.middleware),
    });
    store.dispatch(signIn({ auth: { token: jwtFor(60) }, refresh: 'r1' }));
    const subscription = store.dispatch(api.endpoints.me.initiate());
    await vi.advanceTimersByTimeAsync(1_000);
    expect(api.endpoints.me.select()(store.getState()).data).toBe('me');

    // The refresh is due at 30 s, half the token's life.
    await vi.advanceTimersByTimeAsync(29_000);
    expect(refreshApiCallback).toHaveBeenCalledTimes(1);
    expect(warn).not.toHaveBeenCalled();
    subscription.unsubscribe();
  });
});
