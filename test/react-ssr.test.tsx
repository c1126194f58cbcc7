import { afterEach, describe, expect, test, vi } from 'vitest';

afterEach(() => {
  vi.useRealTimers();
});

// No jsdom here: this file runs the way a server does.
describe('redux-auth-kit/react on a server', () => {
  test('importing it touches no window and starts no timer', async () => {
    expect(typeof window).toBe('undefined');
    expect(typeof document).toBe('undefined');
    vi.useFakeTimers();
    const react = await import('redux-auth-kit/react');
    expect(vi.getTimerCount()).toBe(0);
    expect(Object.keys(react).sort()).toEqual([
      'AuthProvider',
      'RequireAuth',
      'useAuthHeader',
      'useAuthUser',
      'useIsAuthenticated',
      'useRefreshNow',
      'useRefreshStatus',
      'useSessionStatus',
      'useSignIn',
      'useSignOut',
    ]);
  });

  test('renderToString of AuthProvider and RequireAuth with a server-created store does not throw', async () => {
    const [{ renderToString }, { AuthProvider, RequireAuth }, { createAuthStore }, { signIn }, { jwtFor }] =
      await Promise.all([
        import('react-dom/server'),
        import('redux-auth-kit/react'),
        import('redux-auth-kit/store'),
        import('redux-auth-kit'),
        import('./support/jwt'),
      ]);
    // The defaults a server gets: cookie storage (no document), the browser wake source (nothing to listen to).
    const { store, persistor, auth } = createAuthStore<{ name: string }>({
      authName: `_auth_ssr_${Date.now()}`,
      logger: { error: () => {} },
      listener: { logger: { error: () => {}, warn: () => {} } },
    });
    const page = (withPersistor: boolean) =>
      renderToString(
        <AuthProvider
          store={store}
          persistor={withPersistor ? persistor : undefined}
          loading={<p>loading</p>}
        >
          <RequireAuth fallback={<p>login</p>} loading={<p>restoring</p>}>
            <p>secret</p>
          </RequireAuth>
        </AuthProvider>,
      );
    try {
      // With a persistor the server renders `loading`, as the first client render (hydration) does.
      expect(page(true)).toBe('<p>loading</p>');
      // Without one, RequireAuth shows its own loading until storage has been read: never the fallback.
      expect(page(false)).toBe('<p>restoring</p>');
      store.dispatch(signIn({ auth: { token: jwtFor(3600) }, userState: { name: 'Ada' } }));
      expect(page(false)).toBe('<p>secret</p>');
    } finally {
      auth.dispose();
      persistor.pause();
    }
  });
});
