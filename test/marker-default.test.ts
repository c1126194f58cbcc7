// @vitest-environment jsdom
import { configureStore } from '@reduxjs/toolkit';
import { persistReducer, persistStore } from 'redux-persist';
import { expect, test, vi } from 'vitest';
import {
  authPersistConfig,
  authReducer,
  createAuthListener,
  createAuthStorage,
  PERSIST_ACTIONS,
  signIn,
  signOut,
} from 'redux-auth-kit';
import { withFakeClock } from './support/clock';
import { jwtFor } from './support/jwt';
import { createLockManager } from './support/locks';
import { uniqueAuthName } from './support/harness';

withFakeClock();

const cookieNames = (): string[] =>
  document.cookie
    .split('; ')
    .filter(Boolean)
    .map((part) => decodeURIComponent(part.split('=')[0]!));

test('a store configured by hand over localStorage gets the generation marker without createAuthStore', async () => {
  const authName = uniqueAuthName();
  const storage = createAuthStorage({ authName, authType: 'localstorage' });
  const auth = createAuthListener({
    authName,
    storage,
    wake: false,
    crossTab: { locks: createLockManager(), channel: null },
  });
  const store = configureStore({
    reducer: { auth: persistReducer(authPersistConfig({ authName, storage }), authReducer) },
    middleware: (gDM) =>
      gDM({ serializableCheck: { ignoredActions: PERSIST_ACTIONS } }).prepend(auth.middleware),
  });
  const persistor = persistStore(store);
  await vi.advanceTimersByTimeAsync(10);

  store.dispatch(signIn({ auth: { token: jwtFor(600) }, refresh: 'rt-marker' }));
  await vi.advanceTimersByTimeAsync(10);
  expect(cookieNames()).toContain(`${authName}.gen`);
  expect(decodeURIComponent(document.cookie)).not.toContain('rt-marker');

  store.dispatch(signOut());
  await vi.advanceTimersByTimeAsync(10);
  expect(cookieNames()).not.toContain(`${authName}.gen`);
  auth.dispose();
  persistor.pause();
});
