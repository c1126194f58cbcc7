import { createListenerMiddleware } from '@reduxjs/toolkit';
import { createAuthListener, type AuthState } from 'redux-auth-kit';
import { expectTypeOf, test } from 'vitest';

type RootState = { auth: AuthState; n: number };

test('auth.startListening accepts the startListening of any listener middleware', () => {
  const auth = createAuthListener();
  expectTypeOf(auth.startListening(createListenerMiddleware<RootState>().startListening)).toEqualTypeOf<
    () => void
  >();
  auth.startListening(createListenerMiddleware().startListening);
  auth.startListening(createListenerMiddleware().startListening.withTypes<RootState>());
});
