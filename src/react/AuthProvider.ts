// `createElement` rather than JSX: the bundle then needs no `react/jsx-runtime` import.
import type { Store } from '@reduxjs/toolkit';
import { createElement, useCallback, useSyncExternalStore, type ReactElement, type ReactNode } from 'react';
import { Provider } from 'react-redux';
import type { Persistor } from 'redux-persist';
import type { AuthRootState } from '../types';

/** Props of {@link AuthProvider}. */
export interface AuthProviderProps<S extends AuthRootState = AuthRootState> {
  /** A store with the auth slice at `auth`, such as the one `createAuthStore` returns. */
  store: Store<S>;
  /**
   * redux-persist's persistor for `store`. When given, `loading` is rendered
   * until the stored session has been read and validated, so the app never
   * sees a signed-out state that is only "not read yet".
   */
  persistor?: Persistor | undefined;
  /** Rendered while the persistor rehydrates (and in server markup). Default: nothing. */
  loading?: ReactNode;
  /** Your app: rendered once the session has been read from storage. */
  children?: ReactNode;
}

/**
 * Makes `store` available to the auth hooks (a react-redux `Provider`) and,
 * with a `persistor`, holds the app back until redux-persist has rehydrated
 * the session. Imports and renders on a server without touching `window`;
 * there, with a persistor, it renders `loading`.
 *
 * @example
 * ```tsx
 * const { store, persistor } = createAuthStore<User>({ authName: '_auth', authType: 'cookie', refresh });
 *
 * createRoot(root).render(
 *   <AuthProvider store={store} persistor={persistor} loading={<Spinner />}>
 *     <App />
 *   </AuthProvider>,
 * );
 * ```
 */
export function AuthProvider<S extends AuthRootState>({
  store,
  persistor,
  loading,
  children,
}: AuthProviderProps<S>): ReactElement {
  // Whether redux-persist has rehydrated: `true` at once without a persistor. On the server and
  // during hydration it answers `false`, so server markup and the first client render agree (both
  // show `loading`); a client that is not hydrating reads the persistor directly and shows no
  // needless loading frame.
  const rehydrated = useSyncExternalStore(
    // Stable per persistor, so React does not resubscribe on every render.
    useCallback((onChange: () => void) => persistor?.subscribe(onChange) ?? (() => {}), [persistor]),
    () => !persistor || persistor.getState().bootstrapped,
    () => !persistor,
  );
  return createElement(Provider, { store, children: rehydrated ? children : loading });
}
