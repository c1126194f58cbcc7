// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, renderHook, screen } from '@testing-library/react';
import { useState, type ReactNode } from 'react';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { AuthError, createRefresh, signIn, type RefreshApiResult, type SignInParams } from 'redux-auth-kit';
import type { AuthStore } from 'redux-auth-kit/store';
import {
  AuthProvider,
  RequireAuth,
  useAuthHeader,
  useAuthUser,
  useIsAuthenticated,
  useRefreshNow,
  useRefreshStatus,
  useSessionStatus,
  useSignIn,
  useSignOut,
} from 'redux-auth-kit/react';
import { recordActions } from './support/actions';
import { withFakeClock } from './support/clock';
import { jwtFor, makeJwt } from './support/jwt';
import { makeStore, uniqueAuthName } from './support/harness';
import { createMemoryStorage } from './support/memoryStorage';

interface User {
  name: string;
}

withFakeClock();
afterEach(() => {
  cleanup();
});

/** A JWT that expired an hour ago: far beyond the 300 s clock-skew tolerance. */
function expiredJwt(): string {
  const now = Math.floor(Date.now() / 1000);
  return makeJwt({ sub: 'user-1', iat: now - 7200, exp: now - 3600 });
}

function wrapperFor(store: AuthStore<User>) {
  return function Wrapper({ children }: { children: ReactNode }) {
    return <AuthProvider store={store}>{children}</AuthProvider>;
  };
}

/** A login form the way an app writes one: signIn in a handler, AuthError shown to the user. */
function LoginForm({ params }: { params: () => SignInParams<User> }) {
  const signIn = useSignIn<User>();
  const [error, setError] = useState<string | null>(null);
  const submit = (): void => {
    try {
      signIn(params());
    } catch (e) {
      if (e instanceof AuthError) setError(e.code);
      else throw e;
    }
  };
  return (
    <>
      <button onClick={submit}>sign in</button>
      {error !== null && <p role="alert">{error}</p>}
    </>
  );
}

function Account() {
  const user = useAuthUser<User>();
  const signOut = useSignOut();
  return (
    <>
      <p>secret of {user?.name}</p>
      <button onClick={signOut}>sign out</button>
    </>
  );
}

describe('RequireAuth with useSignIn and useSignOut', () => {
  test('signed out shows the fallback, signing in shows the children, signing out the fallback again', async () => {
    const { store, persistor } = await makeStore<User>({
      authName: uniqueAuthName(),
      storage: createMemoryStorage().storage,
    });
    const token = jwtFor(3600);
    render(
      <AuthProvider store={store} persistor={persistor}>
        <RequireAuth
          fallback={<LoginForm params={() => ({ auth: { token }, userState: { name: 'Ada' } })} />}
        >
          <Account />
        </RequireAuth>
      </AuthProvider>,
    );
    expect(screen.getByRole('button').textContent).toBe('sign in');
    expect(screen.queryByText(/secret/)).toBeNull();

    fireEvent.click(screen.getByText('sign in'));
    expect(screen.getByText('secret of Ada')).toBeTruthy();
    expect(store.getState().auth.session?.token).toBe(token);

    fireEvent.click(screen.getByText('sign out'));
    expect(screen.queryByText(/secret/)).toBeNull();
    expect(screen.getByText('sign in')).toBeTruthy();
    expect(store.getState().auth.session).toBeNull();
  });

  test('a form shows the AuthError of an expired token, and the state is untouched', async () => {
    const { store } = await makeStore<User>({
      authName: uniqueAuthName(),
      storage: createMemoryStorage().storage,
    });
    const before = store.getState();
    render(
      <AuthProvider store={store}>
        <RequireAuth fallback={<LoginForm params={() => ({ auth: { token: expiredJwt() } })} />}>
          <Account />
        </RequireAuth>
      </AuthProvider>,
    );
    fireEvent.click(screen.getByText('sign in'));
    expect(screen.getByRole('alert').textContent).toBe('token-expired');
    expect(store.getState()).toBe(before);
  });

  test('useSignIn throws the AuthError synchronously, before anything is dispatched', async () => {
    const { store } = await makeStore<User>({
      authName: uniqueAuthName(),
      storage: createMemoryStorage().storage,
    });
    const dispatched = vi.fn();
    const unsubscribe = store.subscribe(dispatched);
    const before = store.getState();
    const { result } = renderHook(() => useSignIn<User>(), { wrapper: wrapperFor(store) });

    let thrown: unknown;
    try {
      result.current({ auth: { token: expiredJwt() }, refresh: 'refresh-1' });
    } catch (error) {
      thrown = error;
    }
    unsubscribe();
    expect(thrown).toBeInstanceOf(AuthError);
    expect((thrown as AuthError).code).toBe('token-expired');
    expect(store.getState()).toBe(before);
    expect(dispatched).not.toHaveBeenCalled();
  });

  test('the functions the action hooks return keep their identity across renders', async () => {
    const { store } = await makeStore<User>({
      authName: uniqueAuthName(),
      storage: createMemoryStorage().storage,
    });
    const { result, rerender } = renderHook(
      () => [useSignIn<User>(), useSignOut(), useRefreshNow()] as const,
      {
        wrapper: wrapperFor(store),
      },
    );
    const first = result.current;
    act(() => store.dispatch(signIn({ auth: { token: jwtFor(3600) } })));
    rerender();
    expect(result.current[0]).toBe(first[0]);
    expect(result.current[1]).toBe(first[1]);
    expect(result.current[2]).toBe(first[2]);
  });

  test('useSignOut ignores what an event handler passes it', async () => {
    const { actions, middleware: recorder } = recordActions();
    const { store } = await makeStore<User>({
      authName: uniqueAuthName(),
      storage: createMemoryStorage().storage,
      middleware: [recorder],
    });
    store.dispatch(signIn({ auth: { token: jwtFor(3600) } }));
    const { result } = renderHook(() => useSignOut(), { wrapper: wrapperFor(store) });
    actions.length = 0;
    // What `<button onClick={signOut}>` does: the click event is passed as an argument.
    act(() => (result.current as (event: unknown) => void)({ type: 'click' }));
    expect(actions).toEqual([{ type: 'auth/signOut', payload: { reason: 'user' } }]);
    expect(store.getState().auth.session).toBeNull();
  });
});

describe('the read hooks', () => {
  test('follow the session through sign-in, a failing refresh and the expiry of the access token', async () => {
    const refreshApiCallback = vi.fn(async (): Promise<RefreshApiResult<User>> => {
      throw new Error('offline');
    });
    const { store } = await makeStore<User>({
      authName: uniqueAuthName(),
      storage: createMemoryStorage().storage,
      refresh: createRefresh<User>({ refreshApiCallback }),
    });
    const { result } = renderHook(
      () => ({
        user: useAuthUser<User>(),
        authenticated: useIsAuthenticated(),
        header: useAuthHeader(),
        refresh: useRefreshStatus(),
        session: useSessionStatus(),
      }),
      { wrapper: wrapperFor(store) },
    );
    expect(result.current).toEqual({
      user: null,
      authenticated: false,
      header: null,
      refresh: 'idle',
      session: 'signed-out',
    });

    const token = jwtFor(120);
    act(() => {
      store.dispatch(
        signIn({ auth: { token, type: 'Token' }, refresh: 'refresh-1', userState: { name: 'Ada' } }),
      );
    });
    expect(result.current).toEqual({
      user: { name: 'Ada' },
      authenticated: true,
      header: `Token ${token}`,
      refresh: 'idle',
      session: 'signed-in',
    });

    // The refresh at 60 s fails (network) and is retried; at 120 s the token expires.
    await act(() => vi.advanceTimersByTimeAsync(60_000));
    expect(refreshApiCallback).toHaveBeenCalled();
    expect(result.current.refresh).toBe('retrying');
    expect(result.current.header).toBe(`Token ${token}`);
    await act(() => vi.advanceTimersByTimeAsync(60_000));
    expect(result.current).toMatchObject({ authenticated: true, header: null, session: 'signed-in' });
  });
});

describe('useRefreshNow', () => {
  test('returns a promise of the outcome and joins a refresh in flight', async () => {
    let resolveCall!: (result: RefreshApiResult<User>) => void;
    const refreshApiCallback = vi.fn(
      () => new Promise<RefreshApiResult<User>>((resolve) => (resolveCall = resolve)),
    );
    const { store } = await makeStore<User>({
      authName: uniqueAuthName(),
      storage: createMemoryStorage().storage,
      refresh: createRefresh<User>({ refreshApiCallback }),
    });
    store.dispatch(signIn({ auth: { token: jwtFor(3600) }, refresh: 'refresh-1' }));
    const { result } = renderHook(() => ({ refreshNow: useRefreshNow(), status: useRefreshStatus() }), {
      wrapper: wrapperFor(store),
    });

    let first!: Promise<unknown>;
    let second!: Promise<unknown>;
    act(() => {
      first = result.current.refreshNow();
      second = result.current.refreshNow();
    });
    expect(first).toBeInstanceOf(Promise);
    expect(result.current.status).toBe('refreshing');
    // With cross-tab coordination the call starts once the lock and storage re-read are through.
    await act(() => vi.advanceTimersByTimeAsync(0));
    expect(refreshApiCallback).toHaveBeenCalledTimes(1);

    const newToken = jwtFor(3600);
    await act(async () => {
      resolveCall({ isSuccess: true, newAuthToken: newToken });
      await first;
    });
    await expect(first).resolves.toEqual({ ok: true });
    await expect(second).resolves.toEqual({ ok: true });
    expect(store.getState().auth.session?.token).toBe(newToken);
    expect(result.current.status).toBe('idle');
  });

  test('resolves signed-out when there is no session', async () => {
    const { store } = await makeStore<User>({
      authName: uniqueAuthName(),
      storage: createMemoryStorage().storage,
    });
    const { result } = renderHook(() => useRefreshNow(), { wrapper: wrapperFor(store) });
    await expect(act(() => result.current())).resolves.toEqual({ ok: false, reason: 'signed-out' });
  });
});
