import { createSlice, type PayloadAction, type Reducer } from '@reduxjs/toolkit';
import { createApi, fetchBaseQuery } from '@reduxjs/toolkit/query';
import { describe, expectTypeOf, test } from 'vitest';
import {
  createRefresh,
  refreshNow,
  selectAuthUser,
  type PersistedAuthState,
  type RefreshOutcome,
} from 'redux-auth-kit';
import { createAuthStore, type AuthStore, type CreatedAuthStore } from 'redux-auth-kit/store';

interface User {
  name: string;
}
interface Todo {
  title: string;
  done: boolean;
}

const todos = createSlice({
  name: 'todos',
  initialState: [] as Todo[],
  reducers: { added: (state, action: PayloadAction<Todo>) => [...state, action.payload] },
});
const counter: Reducer<number> = (state = 0) => state;

const refresh = createRefresh<User>({ refreshApiCallback: async () => ({ isSuccess: false }) });

describe('createAuthStore infers the user type and the slices', () => {
  test("the README's call shape keeps the slices' state types and the user type from refresh", () => {
    const { store } = createAuthStore({
      authName: '_auth',
      authType: 'cookie',
      refresh,
      reducer: { todos: todos.reducer, counter },
    });
    const state = store.getState();
    expectTypeOf(state.todos).toEqualTypeOf<Todo[]>();
    expectTypeOf(state.counter).toEqualTypeOf<number>();
    expectTypeOf(state.auth).toEqualTypeOf<PersistedAuthState<User>>();
    expectTypeOf(selectAuthUser(state)).toEqualTypeOf<User | null>();
    // @ts-expect-error only the slices given (and auth) are in the state
    void state.settings;
  });

  test('dispatch keeps the refreshNow overload beside the slices', () => {
    const { store } = createAuthStore({ refresh, reducer: { todos: todos.reducer } });
    expectTypeOf(store.dispatch(refreshNow())).toEqualTypeOf<Promise<RefreshOutcome>>();
    const added = todos.actions.added({ title: 't', done: false });
    expectTypeOf(store.dispatch(added)).toEqualTypeOf<typeof added>();
  });

  test('an RTK Query API mounted at its reducerPath keeps its state type', () => {
    const api = createApi({
      baseQuery: fetchBaseQuery({ baseUrl: '/api' }),
      endpoints: (build) => ({ me: build.query<User, void>({ query: () => '/me' }) }),
    });
    const { store } = createAuthStore({
      refresh,
      reducer: { [api.reducerPath]: api.reducer },
      middleware: [api.middleware],
    });
    expectTypeOf(store.getState().api).toEqualTypeOf<ReturnType<typeof api.reducer>>();
  });

  test('preloadedState is typed by the slices', () => {
    createAuthStore({ reducer: { todos: todos.reducer }, preloadedState: { todos: [] } });
    // @ts-expect-error todos holds Todo objects, not numbers
    createAuthStore({ reducer: { todos: todos.reducer }, preloadedState: { todos: [1] } });
  });

  test('without refresh or reducer: an unknown user and only the auth slice', () => {
    const { store } = createAuthStore({ authName: '_auth' });
    expectTypeOf<keyof ReturnType<typeof store.getState>>().toEqualTypeOf<'auth'>();
    expectTypeOf(store.getState().auth).toEqualTypeOf<PersistedAuthState<unknown>>();
  });

  test('AuthStore<U, R> names the store createAuthStore returns', () => {
    const made = createAuthStore({ refresh, reducer: { todos: todos.reducer } });
    expectTypeOf(made.store).toEqualTypeOf<AuthStore<User, { todos: typeof todos.reducer }>>();
    expectTypeOf(made).toEqualTypeOf<CreatedAuthStore<User, { todos: typeof todos.reducer }>>();
  });
});

describe('a type argument never drops the inference silently', () => {
  test('createAuthStore<User>() with reducer is a compile error, not a state of {} & { auth }', () => {
    // @ts-expect-error with the user type given, the slices cannot be inferred: reducer is refused
    createAuthStore<User>({ reducer: { todos: todos.reducer } });
    // @ts-expect-error the same for preloadedState
    createAuthStore<User>({ preloadedState: { todos: [] } });
  });

  test('the old <User, Slices> order is a compile error', () => {
    // @ts-expect-error the first type argument is the slices (better: give none)
    createAuthStore<User, { todos: typeof todos.reducer }>({ reducer: { todos: todos.reducer } });
  });

  test('createAuthStore<User>() without slices types the user', () => {
    const { store } = createAuthStore<User>({ authName: '_auth', authType: 'localstorage' });
    expectTypeOf<keyof ReturnType<typeof store.getState>>().toEqualTypeOf<'auth'>();
    expectTypeOf(store.getState().auth).toEqualTypeOf<PersistedAuthState<User>>();
  });

  test('both type arguments given explicitly: slices first, then the user', () => {
    const { store } = createAuthStore<{ todos: typeof todos.reducer }, User>({
      reducer: { todos: todos.reducer },
    });
    expectTypeOf(store.getState().todos).toEqualTypeOf<Todo[]>();
    expectTypeOf(selectAuthUser(store.getState())).toEqualTypeOf<User | null>();
  });

  test('refresh for another user type than the explicit one does not compile', () => {
    const other = createRefresh<{ id: number }>({ refreshApiCallback: async () => ({ isSuccess: false }) });
    // @ts-expect-error refresh is for { id: number }, not User
    createAuthStore<User>({ refresh: other });
  });
});
