import { expect, test, vi } from 'vitest';
import { createRefresh, refreshNow, signIn } from 'redux-auth-kit';
import { createAuthListener } from 'redux-auth-kit';
import { recordActionTypes } from './support/actions';
import { withFakeClock } from './support/clock';
import { jwtFor } from './support/jwt';
import { makeStore, uniqueAuthName } from './support/harness';
import { createMemoryStorage } from './support/memoryStorage';

withFakeClock();

const refresh = createRefresh({
  refreshApiCallback: async () => ({ isSuccess: true as const, newAuthToken: jwtFor(600) }),
});

test('middleware given as a function of getDefaultMiddleware keeps the persist exceptions and the auth middleware first', async () => {
  const { actions: seen, middleware: spy } = recordActionTypes();
  const warn = vi.spyOn(console, 'error').mockImplementation(() => {});
  const { store } = await makeStore({
    authName: uniqueAuthName(),
    storage: createMemoryStorage().storage,
    refresh,
    middleware: (getDefaultMiddleware) => [
      ...getDefaultMiddleware({ serializableCheck: { warnAfter: 100 } }),
      spy,
    ],
  });
  // redux-persist's PERSIST action carries functions: no serializability complaint for it.
  expect(warn).not.toHaveBeenCalled();
  expect(seen).toContain('persist/REHYDRATE');
  store.dispatch(signIn({ auth: { token: jwtFor(600) }, refresh: 'r1' }));
  await expect(store.dispatch(refreshNow())).resolves.toEqual({ ok: true });
  expect(seen).toContain('auth/refreshSucceeded');
});

test('middleware given as an array is appended to the defaults', async () => {
  const { actions: seen, middleware: spy } = recordActionTypes();
  const { store } = await makeStore({
    authName: uniqueAuthName(),
    storage: createMemoryStorage().storage,
    middleware: [spy],
  });
  store.dispatch({ type: 'todos/add' });
  expect(seen).toContain('todos/add');
  // Thunks still work: the defaults are there.
  expect(store.dispatch(() => 42)).toBe(42);
});

test('one auth listener cannot drive two stores', async () => {
  const auth = createAuthListener({ wake: false });
  const { configureStore } = await import('@reduxjs/toolkit');
  const { authReducer } = await import('redux-auth-kit');
  configureStore({ reducer: { auth: authReducer }, middleware: (gDM) => gDM().prepend(auth.middleware) });
  expect(() =>
    configureStore({ reducer: { auth: authReducer }, middleware: (gDM) => gDM().prepend(auth.middleware) }),
  ).toThrow(/one per store/);
  auth.dispose();
});
