// @vitest-environment jsdom
// Any authName is a cookie name like any other: names that are also Object.prototype members
// (js-cookie reads them from a plain object jar) persist and read back too.
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import {
  createCookieStorage,
  selectAuthUser,
  selectIsAuthenticated,
  selectRefreshToken,
  signIn,
} from 'redux-auth-kit';
import { withFakeClock } from './support/clock';
import { clearEveryCookie, cookieNames } from './support/cookies';
import { createChannelHub } from './support/channel';
import { makeStore } from './support/harness';
import { jwtFor } from './support/jwt';

withFakeClock();
beforeEach(() => {
  clearEveryCookie();
});
afterEach(() => {
  clearEveryCookie();
});

test.each(['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__proto__'])(
  'with authName "%s" cookie storage persists the session and a reload restores it',
  async (authName) => {
    const hub = createChannelHub();
    const options = { authName, authType: 'cookie' as const, listener: { crossTab: { channel: hub } } };
    const { store, persistor } = await makeStore(options);
    const token = jwtFor(600);
    store.dispatch(signIn({ auth: { token }, refresh: 'rt-named', userState: { name: 'Ada' } }));
    await vi.advanceTimersByTimeAsync(10);
    await persistor.flush();
    expect(cookieNames(), 'the auth cookie was written').toContain(authName);

    const reloaded = await makeStore(options);
    expect(selectIsAuthenticated(reloaded.store.getState()), 'the reloaded store is signed in').toBe(true);
    expect(selectRefreshToken(reloaded.store.getState())).toBe('rt-named');
    expect(selectAuthUser(reloaded.store.getState())).toEqual({ name: 'Ada' });
  },
);

test.each(['constructor', 'toString', '__proto__'])(
  'the cookie engine reads an absent cookie named "%s" as no value',
  async (name) => {
    await expect(createCookieStorage().getItem(name)).resolves.toBeNull();
  },
);
