import { createListenerMiddleware, type TypedStartListening } from '@reduxjs/toolkit';
import { describe, expectTypeOf, test } from 'vitest';
import {
  createAuthListener,
  createRefresh,
  nextRefreshAt,
  refreshNow,
  selectAuthHeader,
  selectAuthUser,
  type AuthRootState,
  type AuthState,
  type RefreshApiCallbackParam,
  type RefreshOutcome,
} from 'redux-auth-kit';
import { createAuthStore } from 'redux-auth-kit/store';

interface User {
  id: string;
  name: string;
}

type RootState = { auth: AuthState; n: number };

describe('types', () => {
  test('selectAuthUser on AuthRootState<User> gives User | null', () => {
    const state = {} as AuthRootState<User>;
    expectTypeOf(selectAuthUser(state)).toEqualTypeOf<User | null>();
    expectTypeOf(selectAuthHeader(state)).toEqualTypeOf<string | null>();
  });

  test('a createAuthStore<User> store state works with selectAuthUser and gives User | null', () => {
    const { store } = createAuthStore<User>({ authName: '_types' });
    expectTypeOf(selectAuthUser(store.getState())).toEqualTypeOf<User | null>();
    expectTypeOf(store.getState().auth.session?.userState).toEqualTypeOf<User | null | undefined>();
  });

  test('dispatching refreshNow on a createAuthStore store returns Promise<RefreshOutcome>', () => {
    const { store } = createAuthStore<User>({ authName: '_types' });
    expectTypeOf(store.dispatch(refreshNow())).toEqualTypeOf<Promise<RefreshOutcome>>();
  });

  test('the callback receives the user type', () => {
    createRefresh<User>({
      refreshApiCallback: async (param) => {
        expectTypeOf(param).toEqualTypeOf<RefreshApiCallbackParam<User>>();
        expectTypeOf(param.authUserState).toEqualTypeOf<User | null>();
        expectTypeOf(param.signal).toEqualTypeOf<AbortSignal>();
        return { isSuccess: false };
      },
    });
  });

  test('a callback resolving { isSuccess: false } type-checks', () => {
    createRefresh<User>({ interval: 10, refreshApiCallback: async () => ({ isSuccess: false }) });
  });

  test('a full success result with a new user state type-checks', () => {
    createRefresh<User>({
      interval: 10,
      refreshApiCallback: async () => ({
        isSuccess: true,
        newAuthToken: 'token',
        newAuthTokenType: 'Bearer',
        newAuthTokenExpireIn: 10,
        newRefreshToken: 'refresh',
        newRefreshTokenExpiresIn: 60,
        newAuthUserState: { id: '1', name: 'Ada' },
      }),
    });
  });

  test('a success result without newAuthToken does not compile', () => {
    createRefresh<User>({
      // @ts-expect-error newAuthToken is required when isSuccess is true
      refreshApiCallback: async () => ({ isSuccess: true }),
    });
  });

  test('a success result with a numeric newAuthToken does not compile', () => {
    createRefresh<User>({
      // @ts-expect-error newAuthToken must be a string
      refreshApiCallback: async () => ({ isSuccess: true, newAuthToken: 42 }),
    });
  });

  test('a new user state of the wrong type does not compile', () => {
    createRefresh<User>({
      // @ts-expect-error newAuthUserState must be a User
      refreshApiCallback: async () => ({ isSuccess: true, newAuthToken: 't', newAuthUserState: { id: 1 } }),
    });
  });

  test('interval must be a number of seconds', () => {
    createRefresh<User>({
      // @ts-expect-error interval is a number, not a string
      interval: '10',
      refreshApiCallback: async () => ({ isSuccess: false }),
    });
  });
});

test('nextRefreshAt takes the refresh options createRefresh<User> returns', () => {
  const refresh = createRefresh<User>({ refreshApiCallback: async () => ({ isSuccess: false }) });
  const state = {} as AuthRootState<User>;
  expectTypeOf(nextRefreshAt(state, refresh)).toEqualTypeOf<number | null>();
});

test('auth.startListening accepts the startListening of any listener middleware', () => {
  const auth = createAuthListener();
  expectTypeOf(auth.startListening(createListenerMiddleware<RootState>().startListening)).toEqualTypeOf<
    () => void
  >();
  auth.startListening(createListenerMiddleware().startListening);
  // The type `startListening.withTypes<RootState>()` returns (RTK 2.1+), named so RTK 2.0 compiles it.
  auth.startListening(createListenerMiddleware().startListening as TypedStartListening<RootState>);
});
