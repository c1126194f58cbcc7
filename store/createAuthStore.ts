import {
  configureStore,
  type DevToolsEnhancerOptions,
  type EnhancedStore,
  type Middleware,
  type Reducer,
  type ReducersMapObject,
  type StoreEnhancer,
  type StateFromReducersMapObject,
  type ThunkAction,
  type ThunkMiddleware,
  type Tuple,
  type UnknownAction,
} from '@reduxjs/toolkit';
import type { Persistor } from 'redux-persist';
import {
  createAuthListener,
  DEFAULT_AUTH_NAME,
  PERSIST_ACTIONS,
  withAuthRedaction,
  type AuthDispatchExtension,
  type AuthListener,
  type AuthListenerOptions,
  type AuthPersistOptions,
  type PersistedAuthState,
  type AuthRootState,
  type RefreshOptions,
} from '../src/index';
import { createAuthStorage, persistAuthTo, persistStore } from '../src/persist/persistAuthReducer';

/** The root state of a store from {@link createAuthStore}: your slices and the persisted `auth`. */
export type AuthStoreState<U = unknown, R extends ReducersMapObject = {}> = StateFromReducersMapObject<R> & {
  /** The auth slice, as redux-persist keeps it (with its `_persist` marker). */
  auth: PersistedAuthState<U>;
};

/**
 * What the `dispatch` of an {@link AuthStore} takes beyond plain actions:
 * `dispatch(refreshNow())` returns a promise of the outcome (the auth
 * middleware), and thunks run (Redux Toolkit's default middleware).
 */
export type AuthStoreDispatchExtensions<S> = AuthDispatchExtension & {
  <Returned>(thunk: ThunkAction<Returned, S, undefined, UnknownAction>): Returned;
};

/**
 * The store `createAuthStore` builds, for typing a prop or a helper:
 * `AuthStore<User, { todos: typeof todosReducer }>`. Its state is
 * {@link AuthStoreState}; its `dispatch` takes {@link AuthStoreDispatchExtensions}.
 */
export type AuthStore<U = unknown, R extends ReducersMapObject = {}> = EnhancedStore<
  AuthStoreState<U, R>,
  UnknownAction,
  Tuple<
    [
      StoreEnhancer<{
        /** Plain actions, thunks, and `refreshNow()` returning a promise of the outcome. */
        dispatch: AuthStoreDispatchExtensions<AuthStoreState<U, R>>;
      }>,
      StoreEnhancer,
    ]
  >
>;

// The auth middleware comes first so its `dispatch(refreshNow())` overload wins over thunk's.
type AuthStoreMiddleware<S> = Tuple<
  [Middleware<AuthDispatchExtension, AuthRootState>, ThunkMiddleware<S>, ...Middleware[]]
>;

/** `getDefaultMiddleware` as `createAuthStore` hands it to a `middleware` function. */
export type AppGetDefaultMiddleware = (options?: {
  /** RTK's thunk middleware: `false` leaves it out. */
  thunk?:
    | boolean
    | {
        /** The third argument every thunk receives. */
        extraArgument?: unknown;
      };
  /** RTK's immutability check (development builds only): `false` leaves it out, or its options. */
  immutableCheck?: boolean | object;
  /** RTK's serializability check (development builds only): `false` leaves it out, or its options. */
  serializableCheck?:
    | boolean
    | {
        /** Action types the check skips; redux-persist's are always added. */
        ignoredActions?: string[];
        [option: string]: unknown;
      };
  /** RTK's warning for an action creator dispatched uncalled (development builds only): `false` leaves it out. */
  actionCreatorCheck?: boolean | object;
}) => ReadonlyArray<Middleware>;

/**
 * Options for {@link createAuthStore}: React Auth Kit's `createStore` options,
 * plus what a `configureStore` user expects.
 */
export interface CreateAuthStoreOptions<U, R extends ReducersMapObject = {}> extends AuthPersistOptions {
  /** From `createRefresh`; without it a session ends when its access token expires. */
  refresh?: RefreshOptions<U>;
  /** Your slices, combined beside `auth`. */
  reducer?: R;
  /**
   * Your middleware: an array appended to the defaults, or, as in
   * `configureStore`, a function of `getDefaultMiddleware` (which already
   * ignores redux-persist's actions in the serializable check, merged with
   * your options). The auth middleware is always put first.
   */
  middleware?: Middleware[] | ((getDefaultMiddleware: AppGetDefaultMiddleware) => ReadonlyArray<Middleware>);
  /**
   * `false` to turn Redux DevTools off, or options merged over
   * `authDevToolsOptions` (token redaction stays on). Default on.
   */
  devTools?: boolean | DevToolsEnhancerOptions;
  /** Initial state of your slices (the auth slice comes from storage). */
  preloadedState?: Partial<StateFromReducersMapObject<R>>;
  /** Fine-tuning of the refresh listener: wake-ups, wall-clock check, jitter, logger. */
  listener?: Omit<AuthListenerOptions<U>, 'refresh' | 'authName' | 'storage'>;
}

/**
 * The options of `createAuthStore<User>(...)`, the user type given explicitly.
 * Once one type argument is given TypeScript infers none, so your slices would
 * lose their types (the state would read `{} & { auth }`): `reducer` and
 * `preloadedState` are refused here. Give no type argument instead — the user
 * type comes from `refresh` (`createRefresh<User>(...)`), the slices from
 * `reducer`.
 */
export type CreateAuthStoreOptionsForUser<U> = Omit<
  CreateAuthStoreOptions<U>,
  'reducer' | 'preloadedState'
> & {
  /** Refused with an explicit user type: see {@link CreateAuthStoreOptionsForUser}. */
  reducer?: never;
  /** Refused with an explicit user type: see {@link CreateAuthStoreOptionsForUser}. */
  preloadedState?: never;
};

/** What {@link createAuthStore} returns. */
export interface CreatedAuthStore<U = unknown, R extends ReducersMapObject = {}> {
  /** The Redux store: your slices and `auth`; `dispatch(refreshNow())` returns a promise of the outcome. */
  store: AuthStore<U, R>;
  /** redux-persist's persistor (`flush`, `pause`, `purge`); hand it to `AuthProvider`. */
  persistor: Persistor;
  /** The refresh listener; call `auth.dispose()` when tearing the store down. */
  auth: AuthListener;
}

/**
 * One call for a persisted, self-refreshing store: `configureStore` with the
 * persisted auth reducer at `auth`, your reducers beside it, the auth
 * middleware, redux-persist's serializable-check exceptions and token
 * redaction in DevTools. Returns the store, its `persistor` and the listener
 * (call `auth.dispose()` when tearing the store down).
 *
 * Pass no type arguments: the user type is inferred from `refresh`
 * (`createRefresh<User>(...)`) and the state of your slices from `reducer`.
 *
 * @typeParam R - Your slice reducers, inferred from `reducer`.
 * @typeParam U - The user state, inferred from `refresh`; `unknown` without it.
 * @example
 * ```ts
 * const { store, persistor } = createAuthStore({
 *   authName: '_auth',
 *   authType: 'cookie',
 *   refresh: createRefresh<User>({ interval: 10, refreshApiCallback }),
 *   reducer: { todos: todosReducer },
 * });
 * type RootState = ReturnType<typeof store.getState>; // { todos: Todo[]; auth: … }
 * ```
 */
export function createAuthStore<R extends ReducersMapObject = {}, U = unknown>(
  options?: CreateAuthStoreOptions<U, R>,
): CreatedAuthStore<U, R>;
/**
 * `createAuthStore<User>(...)`: the user type given explicitly, for a store
 * without slices of your own (with `reducer`, give no type argument: see
 * {@link CreateAuthStoreOptionsForUser}).
 *
 * @typeParam U - The user state.
 * @example
 * ```ts
 * const { store, persistor } = createAuthStore<User>({ authName: '_auth', authType: 'localstorage' });
 * ```
 */
export function createAuthStore<U>(options?: CreateAuthStoreOptionsForUser<U>): CreatedAuthStore<U>;
export function createAuthStore<U, R extends ReducersMapObject>(
  options: CreateAuthStoreOptions<U, R> = {},
): CreatedAuthStore<U, R> {
  const { refresh, middleware, devTools } = options;
  const storage = createAuthStorage(options);
  const auth: AuthListener = createAuthListener<U>({
    ...options.listener,
    ...(refresh && { refresh }),
    authName: options.authName ?? DEFAULT_AUTH_NAME,
    storage,
  });
  type S = AuthStoreState<U, R>;
  type Enhancers = Tuple<[StoreEnhancer<{ dispatch: AuthStoreDispatchExtensions<S> }>, StoreEnhancer]>;
  const store = configureStore<S, UnknownAction, AuthStoreMiddleware<S>, Enhancers, Partial<S>>({
    // configureStore combines a map of reducers itself.
    reducer: { ...options.reducer, auth: persistAuthTo(options, storage) } as unknown as Reducer<
      S,
      UnknownAction,
      Partial<S>
    >,
    // Left undefined when not given, as configureStore itself defaults it.
    preloadedState: options.preloadedState as Partial<S>,
    middleware: (getDefaultMiddleware) => {
      // The serializable check always lets redux-persist's actions (which carry functions) through.
      const defaults: AppGetDefaultMiddleware = (o = {}) => {
        const check = o.serializableCheck;
        const own = typeof check === 'object' ? check : {};
        return getDefaultMiddleware({
          ...o,
          serializableCheck: check !== false && {
            ...own,
            ignoredActions: [...(own.ignoredActions ?? []), ...PERSIST_ACTIONS],
          },
        } as Parameters<typeof getDefaultMiddleware>[0]);
      };
      const app =
        typeof middleware === 'function' ? middleware(defaults) : [...defaults(), ...(middleware ?? [])];
      // A plain array is all configureStore needs; the type is for `dispatch`.
      return [auth.middleware, ...app] as unknown as AuthStoreMiddleware<S>;
    },
    devTools: devTools !== false && withAuthRedaction(devTools === true ? {} : devTools),
  });
  const persistor: Persistor = persistStore(store);
  return { store, persistor, auth };
}
