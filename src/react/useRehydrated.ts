import { useCallback, useSyncExternalStore } from 'react';
import type { Persistor } from 'redux-persist';

const noop = (): void => {};
const yes = (): boolean => true;
const no = (): boolean => false;

/**
 * Whether redux-persist has rehydrated: `true` at once without a persistor.
 * On the server and during hydration it answers `false`, so server markup and
 * the first client render agree (both show `loading`); a client that is not
 * hydrating reads the persistor directly and shows no needless loading frame.
 *
 * @internal Used by {@link AuthProvider}; not part of the public API.
 */
export function useRehydrated(persistor: Persistor | undefined): boolean {
  const subscribe = useCallback(
    (onChange: () => void): (() => void) => (persistor === undefined ? noop : persistor.subscribe(onChange)),
    [persistor],
  );
  const getSnapshot = useCallback(
    (): boolean => persistor === undefined || persistor.getState().bootstrapped,
    [persistor],
  );
  return useSyncExternalStore(subscribe, getSnapshot, persistor === undefined ? yes : no);
}
