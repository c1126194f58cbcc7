// @vitest-environment jsdom
import { act, cleanup, render } from '@testing-library/react';
import { useLayoutEffect } from 'react';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { createRefresh, signIn, type RefreshApiCallbackParam, type RefreshApiResult } from 'redux-auth-kit';
import type { Persistor } from 'redux-persist';
import { createAuthStore, type AuthStore } from 'redux-auth-kit/store';
import { AuthProvider, RequireAuth } from 'redux-auth-kit/react';
import { withFakeClock } from './support/clock';
import { jwtFor } from './support/jwt';
import { makeStore, uniqueAuthName } from './support/harness';
import { createMemoryStorage } from './support/memoryStorage';

interface User {
  name: string;
}

const silent = { error: () => {}, warn: () => {} };

withFakeClock();
afterEach(() => {
  cleanup();
});

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Lets storage reads, REHYDRATE and listener effects settle, inside act. */
async function settle(): Promise<void> {
  await act(async () => {
    for (let i = 0; i < 20; i += 1) await Promise.resolve();
  });
}

/**
 * Screens that record themselves: `rendered` gets every render (committed or not),
 * `shown` every commit to the DOM, in order, so a flash between two checks is caught too.
 */
function recordScreens() {
  const rendered: string[] = [];
  const shown: string[] = [];
  function Screen({ text }: { text: string }) {
    rendered.push(text);
    useLayoutEffect(() => {
      shown.push(text);
    }, [text]);
    return <p>{text}</p>;
  }
  const app = (
    <RequireAuth fallback={<Screen text="login" />} loading={<Screen text="restoring" />}>
      <Screen text="secret" />
    </RequireAuth>
  );
  return { rendered, shown, Screen, app };
}

/** Signs in on a first "page", writes the session to `storage` and closes that page. */
async function writeSession(authName: string, storage: ReturnType<typeof createMemoryStorage>['storage']) {
  const first = await makeStore<User>({ authName, storage });
  first.store.dispatch(
    signIn({
      auth: { token: jwtFor(60) },
      refresh: 'refresh-1',
      refreshExpiresIn: 3600,
      userState: { name: 'Ada' },
    }),
  );
  await first.persistor.flush();
  first.auth.dispose();
  first.persistor.pause();
}

/** The store of a reloaded page: created over `storage` and still rehydrating (the caller disposes it). */
function reloadedStore(
  authName: string,
  storage: ReturnType<typeof createMemoryStorage>['storage'],
  refreshApiCallback: (param: RefreshApiCallbackParam<User>) => Promise<RefreshApiResult<User>>,
) {
  return createAuthStore<User>({
    authName,
    storage,
    refresh: createRefresh<User>({ refreshApiCallback }),
    listener: { wake: false, logger: silent },
  });
}

/** Renders the recorded screens under AuthProvider with a loading screen. */
function renderApp(store: AuthStore<User>, persistor: Persistor) {
  const { rendered, shown, Screen, app } = recordScreens();
  const { container } = render(
    <AuthProvider store={store} persistor={persistor} loading={<Screen text="loading" />}>
      {app}
    </AuthProvider>,
  );
  return { container, rendered, shown };
}

describe('AuthProvider and RequireAuth at startup', () => {
  test('a reload with an expired access token and a live refresh token never shows the login page', async () => {
    const authName = uniqueAuthName();
    const { storage, data } = createMemoryStorage();
    await writeSession(authName, storage);
    expect(data.has(authName)).toBe(true);

    // The page is reloaded two minutes later: the 60 s access token has expired, the refresh token has not.
    vi.setSystemTime(Date.now() + 120_000);
    const call = deferred<RefreshApiResult<User>>();
    const refreshApiCallback = vi.fn((_param: RefreshApiCallbackParam<User>) => call.promise);
    const { store, persistor, auth } = reloadedStore(authName, storage, refreshApiCallback);
    try {
      const { container, rendered, shown } = renderApp(store, persistor);
      expect(container.textContent).toBe('loading');
      expect(refreshApiCallback).not.toHaveBeenCalled();

      await settle();
      expect(persistor.getState().bootstrapped).toBe(true);
      expect(container.textContent).toBe('restoring');
      expect(refreshApiCallback).toHaveBeenCalledTimes(1);
      const param = refreshApiCallback.mock.calls[0]![0];
      expect(param.refreshToken).toBe('refresh-1');
      expect(param.authToken).toBeUndefined();

      // However long the call takes, the app keeps showing the restoring state.
      await act(() => vi.advanceTimersByTimeAsync(5_000));
      expect(container.textContent).toBe('restoring');

      call.resolve({ isSuccess: true, newAuthToken: jwtFor(60) });
      await settle();
      expect(container.textContent).toBe('secret');

      expect(shown).toEqual(['loading', 'restoring', 'secret']);
      expect(rendered).not.toContain('login');
      expect(refreshApiCallback).toHaveBeenCalledTimes(1);
    } finally {
      auth.dispose();
      persistor.pause();
    }
  });

  test('a reload with an expired refresh token shows the login page without a refresh call', async () => {
    const authName = uniqueAuthName();
    const { storage } = createMemoryStorage();
    await writeSession(authName, storage);

    vi.setSystemTime(Date.now() + 3_601_000);
    const refreshApiCallback = vi.fn(async (): Promise<RefreshApiResult<User>> => ({ isSuccess: false }));
    const { store, persistor, auth } = reloadedStore(authName, storage, refreshApiCallback);
    try {
      const { container, rendered, shown } = renderApp(store, persistor);
      await settle();
      expect(container.textContent).toBe('login');
      expect(shown).toEqual(['loading', 'login']);
      expect(rendered).not.toContain('restoring');
      expect(refreshApiCallback).not.toHaveBeenCalled();
    } finally {
      auth.dispose();
      persistor.pause();
    }
  });

  test('with a persistor that has already rehydrated, the children render at once without a loading frame', async () => {
    const { store, persistor } = await makeStore<User>({
      authName: uniqueAuthName(),
      storage: createMemoryStorage().storage,
    });
    store.dispatch(signIn({ auth: { token: jwtFor(3600) } }));
    const { container, rendered, shown } = renderApp(store, persistor);
    expect(container.textContent).toBe('secret');
    expect(shown).toEqual(['secret']);
    expect(rendered).not.toContain('loading');
  });

  test('loading defaults to nothing while the persistor rehydrates', async () => {
    const { store, persistor, auth } = createAuthStore<User>({
      authName: uniqueAuthName(),
      storage: createMemoryStorage().storage,
      listener: { wake: false, logger: silent },
    });
    try {
      const { container } = render(
        <AuthProvider store={store} persistor={persistor}>
          <p>app</p>
        </AuthProvider>,
      );
      expect(persistor.getState().bootstrapped).toBe(false);
      expect(container.innerHTML).toBe('');
      await settle();
      expect(container.textContent).toBe('app');
    } finally {
      auth.dispose();
      persistor.pause();
    }
  });
});
