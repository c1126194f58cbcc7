import { configureStore, createListenerMiddleware } from '@reduxjs/toolkit';
import { authReducer, createAuthListener } from 'redux-auth-kit';
import { expectTypeOf, test } from 'vitest';

const store = configureStore({ reducer: { auth: authReducer, n: (s: number = 0) => s } });
type RootState = ReturnType<typeof store.getState>;

test('auth.startListening accepts the startListening of any listener middleware', () => {
  const auth = createAuthListener();
  expectTypeOf(auth.startListening(createListenerMiddleware<RootState>().startListening)).toEqualTypeOf<
    () => void
  >();
  auth.startListening(createListenerMiddleware().startListening);
  auth.startListening(createListenerMiddleware().startListening.withTypes<RootState>());
});
