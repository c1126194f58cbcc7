import type { ReducersMapObject } from '@reduxjs/toolkit';
import { createAuthListener, type AuthListener, type AuthListenerOptions } from 'redux-auth-kit';
import { createAuthStore, type CreateAuthStoreOptions } from 'redux-auth-kit/store';
import { afterEach } from 'vitest';

const disposers: Array<() => void> = [];
afterEach(() => {
  while (disposers.length > 0) disposers.pop()!();
});

let names = 0;
/** A fresh authName per store family, so nothing leaks between tests. */
export const uniqueAuthName = (): string => `_auth_test_${++names}`;

/**
 * `createAuthStore` with wake-ups off and the listener disposed after the test.
 * Waits for rehydration before returning.
 */
export async function makeStore<U = unknown, R extends ReducersMapObject = {}>(
  options: CreateAuthStoreOptions<U, R> = {},
) {
  const made = createAuthStore<R, U>({
    ...options,
    // random: 0 keeps timing exact: no early lead for tabs without Web Locks (jsdom has none), and
    // the shortest backoff jitter. Tests about jitter pass their own.
    listener: {
      wake: false,
      random: () => 0,
      logger: { error: () => {}, warn: () => {} },
      ...options.listener,
    },
  });
  disposers.push(() => {
    made.auth.dispose();
    made.persistor.pause();
  });
  await waitForRehydrate(made.persistor);
  return made;
}

/**
 * `createAuthListener` for a store the test builds itself: a fresh authName, wake-ups off, a
 * silent logger, disposed after the test.
 */
export function makeListener(options: AuthListenerOptions = {}): AuthListener {
  const auth = createAuthListener({
    authName: uniqueAuthName(),
    wake: false,
    logger: { error: () => {}, warn: () => {} },
    ...options,
  });
  disposers.push(() => auth.dispose());
  return auth;
}

async function waitForRehydrate(persistor: { getState: () => { bootstrapped: boolean } }): Promise<void> {
  // Rehydration settles over a few promise ticks (and timer ticks under fake timers).
  for (let i = 0; i < 50 && !persistor.getState().bootstrapped; i += 1) {
    await Promise.resolve();
    await new Promise<void>((resolve) => queueMicrotask(resolve));
  }
  if (!persistor.getState().bootstrapped) throw new Error('store did not rehydrate');
}
