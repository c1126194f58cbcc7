// `createElement` rather than JSX: the bundle then needs no `react/jsx-runtime` import.
import { createElement, Fragment, type ReactElement, type ReactNode } from 'react';
import type { SessionStatus } from '../types';
import { useSessionStatus } from './hooks';

/** Props of {@link RequireAuth}. */
export interface RequireAuthProps {
  /** Rendered when signed out: a login page, or your router's redirect. */
  fallback: ReactNode;
  /** Rendered while a stored session is being restored (its first refresh is in flight). Default: nothing. */
  loading?: ReactNode;
  /** Rendered when signed in. */
  children?: ReactNode;
}

/**
 * Renders `children` when signed in, `fallback` when signed out and `loading`
 * while a stored session with an expired access token is being restored, so a
 * reload never flashes the login page. Router-agnostic: pass a redirect
 * element as `fallback`.
 *
 * @example
 * ```tsx
 * <Route
 *   path="/account"
 *   element={
 *     <RequireAuth fallback={<Navigate to="/login" replace />} loading={<Spinner />}>
 *       <Account />
 *     </RequireAuth>
 *   }
 * />
 * ```
 */
export function RequireAuth({ fallback, loading, children }: RequireAuthProps): ReactElement {
  const shown: Record<SessionStatus, ReactNode> = {
    'signed-out': fallback,
    restoring: loading,
    'signed-in': children,
  };
  // A fragment, not a bare ReactNode, so the component type-checks as JSX with older @types/react 18 too.
  return createElement(Fragment, null, shown[useSessionStatus()]);
}
