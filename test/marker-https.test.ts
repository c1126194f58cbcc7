// @vitest-environment jsdom
// @vitest-environment-options { "url": "https://app.example.com/" }
// The generation-marker cookie beside localStorage gets the attributes of every other cookie
// we write: Secure on https, and the configured cookieDomain. A file of its own: the page is on
// https, and the environment options above hold for a whole file.
import { beforeEach, expect, test, vi } from 'vitest';
import { markerCookieName, signIn, signOut } from 'redux-auth-kit';
import { withFakeClock } from './support/clock';
import { clearCookiesAndLocalStorage, cookieWrites, cookiesOf } from './support/cookies';
import { makeStore, uniqueAuthName } from './support/harness';
import { jwtFor } from './support/jwt';
import { createLockManager } from './support/locks';

withFakeClock();
beforeEach(() => {
  clearCookiesAndLocalStorage();
});

/** The attributes of a raw cookie write, lower-cased names → values (`true` for flags). */
const attributesOf = (write: string): Map<string, string | true> =>
  new Map<string, string | true>(
    write
      .split(';')
      .slice(1)
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => {
        const eq = part.indexOf('=');
        return eq < 0
          ? ([part.toLowerCase(), true] as const)
          : ([part.slice(0, eq).toLowerCase(), part.slice(eq + 1)] as const);
      }),
  );

test('on https the marker cookie is Secure and carries cookieDomain, like the others, and sign-out removes it', async () => {
  expect(location.protocol).toBe('https:');
  const authName = uniqueAuthName();
  const marker = encodeURIComponent(markerCookieName(authName));
  const { store, persistor } = await makeStore({
    authName,
    authType: 'localstorage',
    cookieDomain: 'example.com',
    listener: { crossTab: { locks: createLockManager().manager, channel: null } },
  });
  const writes = await cookieWrites(async () => {
    store.dispatch(signIn({ auth: { token: jwtFor(600) }, refresh: 'rt-marker' }));
    await vi.advanceTimersByTimeAsync(10);
    await persistor.flush();
  });
  const markerWrites = writes.filter((w) => w.startsWith(`${marker}=`));
  expect(markerWrites.length, 'the marker was written').toBeGreaterThan(0);
  for (const write of markerWrites) {
    const attributes = attributesOf(write);
    expect(attributes.get('secure'), `Secure in "${write}"`).toBe(true);
    expect(attributes.get('domain'), `Domain in "${write}"`).toBe('example.com');
  }

  store.dispatch(signOut());
  await vi.advanceTimersByTimeAsync(10);
  await persistor.flush();
  expect(cookiesOf(authName)).toEqual([]);
});
