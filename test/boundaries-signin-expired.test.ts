// A sign-in that could not live past the moment it is dispatched (its token already expired by
// this clock, nothing to renew it) is refused by the action creator, as an already-expired token
// is (README: `token-expired`), instead of signing in and out within one dispatch with no error.
import { expect, test } from 'vitest';
import { AuthError, signIn, type SignInParams } from 'redux-auth-kit';
import { withFakeClock } from './support/clock';
import { makeStore, uniqueAuthName } from './support/harness';
import { makeJwt } from './support/jwt';
import { createMemoryStorage } from './support/memoryStorage';

withFakeClock();

test.each<[string, () => SignInParams]>([
  [
    'a JWT 30 s past its exp (no iat, within the clock-skew tolerance) and no refresh token',
    () => ({ auth: { token: makeJwt({ exp: Date.now() / 1000 - 30 }) } }),
  ],
  [
    'an opaque token whose expiresIn (1e-7 s) is under a millisecond, and no refresh token',
    () => ({ auth: { token: 'opaque-access-token', expiresIn: 1e-7 } }),
  ],
])(
  'signIn with %s throws an AuthError instead of signing in and out in one dispatch',
  async (_what, params) => {
    const { store } = await makeStore({ authName: uniqueAuthName(), storage: createMemoryStorage().storage });
    const before = store.getState().auth;
    let refused: unknown;
    try {
      store.dispatch(signIn(params()));
    } catch (error) {
      refused = error;
    }
    expect(refused, 'signIn threw').toBeInstanceOf(AuthError);
    expect(store.getState().auth).toBe(before);
  },
);
