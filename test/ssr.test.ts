import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { Persistor } from 'redux-persist';

// No jsdom pragma: this file runs in Node, as server-side rendering does.

const here = fileURLToPath(new URL('.', import.meta.url));
const root = fileURLToPath(new URL('..', import.meta.url));
const reactEntryExists = existsSync(fileURLToPath(new URL('../src/react/index.ts', import.meta.url)));

/** Stack frames that belong to this library or the runtime dependencies it pulls in. */
const OURS = [
  `${root}src/`,
  `${root}store/`,
  '/node_modules/@reduxjs/',
  '/node_modules/redux/',
  '/node_modules/redux-persist/',
  '/node_modules/js-cookie/',
  '/node_modules/jwt-decode/',
  '/node_modules/immer/',
  '/node_modules/reselect/',
  '/node_modules/redux-thunk/',
  '/node_modules/react/',
  '/node_modules/react-redux/',
  '/node_modules/use-sync-external-store/',
];

/** Spies on the timer functions and keeps the stack of every call made from library code. */
function watchTimers() {
  const started: string[] = [];
  for (const name of ['setTimeout', 'setInterval'] as const) {
    const original = globalThis[name];
    vi.spyOn(globalThis, name).mockImplementation(((...args: Parameters<typeof original>) => {
      const stack = new Error().stack ?? '';
      const frames = stack.split('\n').slice(2);
      if (frames.some((frame) => OURS.some((path) => frame.includes(path)) && !frame.includes(here))) {
        started.push(`${name}\n${frames.join('\n')}`);
      }
      return (original as (...a: unknown[]) => unknown)(...args);
    }) as typeof original);
  }
  return started;
}

async function rehydrated(persistor: Persistor): Promise<void> {
  if (persistor.getState().bootstrapped) return;
  await new Promise<void>((resolve) => {
    const unsubscribe = persistor.subscribe(() => {
      if (persistor.getState().bootstrapped) {
        unsubscribe();
        resolve();
      }
    });
  });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('on a server', () => {
  test('there is no window or document', () => {
    expect(typeof window).toBe('undefined');
    expect(typeof document).toBe('undefined');
    expect(typeof localStorage).toBe('undefined');
  });

  test('importing the core and store entry points throws nothing and starts no timer', async () => {
    const started = watchTimers();
    const core = await import('redux-auth-kit');
    const store = await import('redux-auth-kit/store');
    expect(typeof core.signIn).toBe('function');
    expect(typeof core.createRefresh).toBe('function');
    expect(typeof store.createAuthStore).toBe('function');
    expect(started).toEqual([]);
  });

  test.skipIf(!reactEntryExists)(
    'importing the react entry point throws nothing and starts no timer',
    async () => {
      const started = watchTimers();
      const entry = 'redux-auth-kit/react';
      const react = (await import(/* @vite-ignore */ entry)) as Record<string, unknown>;
      expect(typeof react.AuthProvider).toBe('function');
      expect(started).toEqual([]);
    },
  );

  test('the timer watch does see timers that library code starts (control)', async () => {
    const { createAuthStore } = await import('redux-auth-kit/store');
    const { createRefresh, signIn } = await import('redux-auth-kit');
    const made = createAuthStore({
      authName: '_auth_ssr_control',
      storage: { getItem: async () => null, setItem: async () => {}, removeItem: async () => {} },
      refresh: createRefresh({ interval: 10, refreshApiCallback: async () => ({ isSuccess: false }) }),
    });
    try {
      await rehydrated(made.persistor);
      const started = watchTimers();
      const iat = Math.floor(Date.now() / 1000);
      const payload = Buffer.from(JSON.stringify({ iat, exp: iat + 600 })).toString('base64url');
      made.store.dispatch(signIn({ auth: { token: `e30.${payload}.sig` }, refresh: 'rt-control' }));
      expect(started.length).toBeGreaterThan(0);
    } finally {
      made.auth.dispose();
      made.persistor.pause();
    }
  });

  test.each(['cookie', 'localstorage'] as const)(
    'createAuthStore with authType %s throws nothing and rehydrates signed out',
    async (authType) => {
      const { createAuthStore } = await import('redux-auth-kit/store');
      const { selectIsAuthenticated, selectSessionStatus, signIn, createRefresh } =
        await import('redux-auth-kit');
      const logger = { error: vi.fn(), warn: vi.fn() };
      const made = createAuthStore({
        authName: `_auth_ssr_${authType}`,
        authType,
        refresh: createRefresh({ interval: 10, refreshApiCallback: async () => ({ isSuccess: false }) }),
        listener: { logger },
      });
      try {
        await rehydrated(made.persistor);
        expect(selectIsAuthenticated(made.store.getState())).toBe(false);
        expect(selectSessionStatus(made.store.getState())).toBe('signed-out');

        // Writing on a server is a no-op, never a crash.
        const iat = Math.floor(Date.now() / 1000);
        const payload = Buffer.from(JSON.stringify({ iat, exp: iat + 600 })).toString('base64url');
        made.store.dispatch(signIn({ auth: { token: `e30.${payload}.sig` }, refresh: 'rt-ssr' }));
        await made.persistor.flush();
        expect(selectIsAuthenticated(made.store.getState())).toBe(true);
        expect(logger.error).not.toHaveBeenCalled();
        expect(logger.warn).not.toHaveBeenCalled();
      } finally {
        made.auth.dispose();
        made.persistor.pause();
      }
    },
  );
});
