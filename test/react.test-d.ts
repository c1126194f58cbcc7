import { configureStore } from '@reduxjs/toolkit';
import type { Persistor } from 'redux-persist';
import { describe, expectTypeOf, test } from 'vitest';
import type { RefreshOutcome, RefreshStatus, SessionStatus, SignInParams } from 'redux-auth-kit';
import { createAuthStore } from 'redux-auth-kit/store';
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
  type AuthProviderProps,
  type RequireAuthProps,
} from 'redux-auth-kit/react';

interface User {
  name: string;
}

describe('hook types', () => {
  test('useAuthUser<User>() is User | null', () => {
    expectTypeOf(useAuthUser<User>).returns.toEqualTypeOf<User | null>();
    expectTypeOf(useAuthUser).returns.toEqualTypeOf<unknown>();
  });

  test('useRefreshNow() returns () => Promise<RefreshOutcome>', () => {
    expectTypeOf(useRefreshNow).returns.toEqualTypeOf<() => Promise<RefreshOutcome>>();
  });

  test('useSignIn<User>() takes the sign-in payload for User; useSignOut takes nothing', () => {
    expectTypeOf(useSignIn<User>).returns.toEqualTypeOf<(params: SignInParams<User>) => void>();
    expectTypeOf(useSignOut).returns.toEqualTypeOf<() => void>();
  });

  test('the read hooks return the selector types', () => {
    expectTypeOf(useIsAuthenticated).returns.toEqualTypeOf<boolean>();
    expectTypeOf(useAuthHeader).returns.toEqualTypeOf<string | null>();
    expectTypeOf(useRefreshStatus).returns.toEqualTypeOf<RefreshStatus>();
    expectTypeOf(useSessionStatus).returns.toEqualTypeOf<SessionStatus>();
  });
});

describe('component props', () => {
  test('AuthProvider takes a createAuthStore store and its persistor, and refuses a store without auth', () => {
    const { store, persistor } = createAuthStore<User>({ authName: '_auth' });
    AuthProvider({ store, persistor, loading: 'loading', children: null });
    AuthProvider({ store, children: null });

    const other = configureStore({ reducer: { todos: (state: string[] = []) => state } });
    // @ts-expect-error the store has no auth slice
    AuthProvider({ store: other, children: null });
  });

  test('RequireAuth needs a fallback; loading is optional', () => {
    expectTypeOf<RequireAuthProps>().toHaveProperty('fallback');
    expectTypeOf(RequireAuth).parameter(0).toEqualTypeOf<RequireAuthProps>();
    // @ts-expect-error fallback is required
    RequireAuth({ children: null });
    expectTypeOf<AuthProviderProps['persistor']>().toEqualTypeOf<Persistor | undefined>();
  });
});
