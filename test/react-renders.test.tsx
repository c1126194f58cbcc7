// @vitest-environment jsdom
import { createSlice } from '@reduxjs/toolkit';
import { act, cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, test, vi } from 'vitest';
import {
  createRefresh,
  refreshNow,
  signIn,
  type RefreshApiResult,
  type RefreshOutcome,
} from 'redux-auth-kit';
import {
  AuthProvider,
  useAuthHeader,
  useAuthUser,
  useIsAuthenticated,
  useRefreshStatus,
  useSessionStatus,
} from 'redux-auth-kit/react';
import type { AuthStore } from 'redux-auth-kit/store';
import { withFakeClock } from './support/clock';
import { jwtFor } from './support/jwt';
import { makeStore, uniqueAuthName } from './support/harness';
import { createMemoryStorage } from './support/memoryStorage';

interface User {
  name: string;
}

const counter = createSlice({
  name: 'counter',
  initialState: 0,
  reducers: { increment: (n) => n + 1 },
});

withFakeClock();
afterEach(() => {
  cleanup();
});

/** A component that reads one hook and records the value of every render. */
function probe<T>(useValue: () => T) {
  const renders: T[] = [];
  function Probe(): null {
    renders.push(useValue());
    return null;
  }
  return { Probe, renders };
}

async function signedInStore(result: () => RefreshApiResult<User> | Promise<RefreshApiResult<User>>) {
  const refreshApiCallback = vi.fn(async () => result());
  const made = await makeStore<User>({
    authName: uniqueAuthName(),
    storage: createMemoryStorage().storage,
    refresh: createRefresh<User>({ refreshApiCallback }),
  });
  made.store.dispatch(
    signIn({ auth: { token: jwtFor(120) }, refresh: 'refresh-1', userState: { name: 'Ada' } }),
  );
  return { ...made, refreshApiCallback };
}

function renderProbes(store: AuthStore<User>) {
  const header = probe(useAuthHeader);
  const user = probe(() => useAuthUser<User>());
  const authenticated = probe(useIsAuthenticated);
  const session = probe(useSessionStatus);
  const status = probe(useRefreshStatus);
  render(
    <AuthProvider store={store}>
      <header.Probe />
      <user.Probe />
      <authenticated.Probe />
      <session.Probe />
      <status.Probe />
    </AuthProvider>,
  );
  return { header, user, authenticated, session, status };
}

describe('hooks re-render only when what they read changes', () => {
  test('a refresh re-renders a useAuthHeader consumer once and useAuthUser / useIsAuthenticated consumers never', async () => {
    // The answer waits for the test, so 'refreshing' is rendered before it arrives on React 18 too:
    // React 18's act() renders store updates only when its scope ends (React 19's also while an async
    // scope runs), so there an answer that came at once was rendered together with refreshStarted.
    let answer!: (result: RefreshApiResult<User>) => void;
    const answered = new Promise<RefreshApiResult<User>>((resolve) => {
      answer = resolve;
    });
    const { store, refreshApiCallback } = await signedInStore(() => answered);
    const { header, user, authenticated, session, status } = renderProbes(store);
    const before = header.renders[0];
    expect(before).toMatch(/^Bearer /);
    expect(user.renders).toEqual([{ name: 'Ada' }]);

    let refreshed!: Promise<RefreshOutcome>;
    act(() => {
      refreshed = store.dispatch(refreshNow());
    });
    expect(status.renders).toEqual(['idle', 'refreshing']);
    const outcome = await act(async () => {
      answer({ isSuccess: true, newAuthToken: jwtFor(120) });
      return refreshed;
    });

    expect(outcome).toEqual({ ok: true });
    expect(refreshApiCallback).toHaveBeenCalledTimes(1);
    // The refresh went through refreshStarted and refreshSucceeded: the status consumer saw both.
    expect(status.renders).toEqual(['idle', 'refreshing', 'idle']);
    expect(header.renders).toHaveLength(2);
    expect(header.renders[1]).toMatch(/^Bearer /);
    expect(header.renders[1]).not.toBe(before);
    expect(user.renders).toHaveLength(1);
    expect(authenticated.renders).toEqual([true]);
    expect(session.renders).toEqual(['signed-in']);
  });

  test('a refresh fired by the scheduler re-renders the header consumer once', async () => {
    const { store, refreshApiCallback } = await signedInStore(() => ({
      isSuccess: true,
      newAuthToken: jwtFor(120),
    }));
    const { header, user, authenticated } = renderProbes(store);

    // A 120 s token with the default 60 s margin is refreshed at 60 s.
    await act(() => vi.advanceTimersByTimeAsync(59_999));
    expect(refreshApiCallback).not.toHaveBeenCalled();
    expect(header.renders).toHaveLength(1);
    await act(() => vi.advanceTimersByTimeAsync(1));

    expect(refreshApiCallback).toHaveBeenCalledTimes(1);
    expect(header.renders).toHaveLength(2);
    expect(user.renders).toHaveLength(1);
    expect(authenticated.renders).toHaveLength(1);
  });

  test('a refresh returning the same user fields in a new object does not re-render useAuthUser', async () => {
    let name = 'Ada';
    const { store } = await signedInStore(() => ({
      isSuccess: true,
      newAuthToken: jwtFor(120),
      newAuthUserState: { name },
    }));
    const { user } = renderProbes(store);
    const first = store.getState().auth.session?.userState;

    await act(() => store.dispatch(refreshNow()));
    // The state holds a new object, yet the consumer kept the one it had.
    expect(store.getState().auth.session?.userState).not.toBe(first);
    expect(user.renders).toHaveLength(1);

    name = 'Grace';
    await act(() => store.dispatch(refreshNow()));
    expect(user.renders).toEqual([{ name: 'Ada' }, { name: 'Grace' }]);
  });

  test('persist/FLUSH and unrelated actions re-render none of the consumers', async () => {
    const refreshApiCallback = vi.fn(async (): Promise<RefreshApiResult<User>> => ({ isSuccess: false }));
    const reducer = { counter: counter.reducer };
    const { store, persistor } = await makeStore<User>({
      authName: uniqueAuthName(),
      storage: createMemoryStorage().storage,
      refresh: createRefresh<User>({ refreshApiCallback }),
      reducer,
    });
    store.dispatch(
      signIn({ auth: { token: jwtFor(3600) }, refresh: 'refresh-1', userState: { name: 'Ada' } }),
    );
    const probes = renderProbes(store);
    const all = Object.values(probes);
    all.forEach(({ renders }) => expect(renders).toHaveLength(1));

    const authBefore = store.getState().auth;
    await act(() => persistor.flush());
    // FLUSH passes through the persisted reducer and builds a new auth object...
    expect(store.getState().auth).not.toBe(authBefore);

    const rootBefore = store.getState();
    act(() => {
      store.dispatch(counter.actions.increment());
      store.dispatch({ type: 'app/somethingElse' });
    });
    // ...and the unrelated actions really changed the root state.
    expect(store.getState()).not.toBe(rootBefore);
    expect((store.getState() as unknown as { counter: number }).counter).toBe(1);

    // ...yet nobody re-rendered.
    all.forEach(({ renders }) => expect(renders).toHaveLength(1));
    expect(refreshApiCallback).not.toHaveBeenCalled();
  });
});
