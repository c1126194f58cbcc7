// What any script on the origin may post on the cross-tab channel: a message that is not a
// well-formed announcement ends nothing, and nothing JSON cannot hold is adopted.
import { describe, expect, test, vi } from 'vitest';
import {
  createRefresh,
  selectAuthUser,
  selectIsAuthenticated,
  signIn,
  type AuthSession,
} from 'redux-auth-kit';
import { T0, withFakeClock } from './support/clock';
import { createChannelHub } from './support/channel';
import { makeStore, uniqueAuthName } from './support/harness';
import { checkInvariants } from './support/invariants';
import { jwtFor } from './support/jwt';
import { createLockManager } from './support/locks';
import { createMemoryStorage } from './support/memoryStorage';

/** The message kind every announcement carries (src/refresh/crossTab.ts). */
const KIND = 'redux-auth-kit/session';

withFakeClock();

/** A signed-in tab and a channel of its name for the test to post on, as another script would. */
async function signedInTab() {
  const authName = uniqueAuthName();
  const hub = createChannelHub();
  const memory = createMemoryStorage();
  const made = await makeStore({
    authName,
    storage: memory.storage,
    refresh: createRefresh({ refreshApiCallback: () => new Promise<never>(() => {}) }),
    listener: { crossTab: { locks: createLockManager().manager, channel: hub.as('tab') } },
  });
  made.store.dispatch(
    signIn({ auth: { token: jwtFor(600) }, refresh: 'rt-tab', userState: { name: 'Ada' } }),
  );
  await vi.advanceTimersByTimeAsync(1);
  const script = hub.as('script')(authName);
  /** Posts `message` and lets it arrive. */
  const post = async (message: unknown): Promise<void> => {
    script.postMessage(message);
    await vi.advanceTimersByTimeAsync(1);
  };
  return { ...made, authName, memory, post };
}

/** A session another tab could announce: valid in every field, signed in later than the tab's. */
const announcedSession = (userState: unknown): AuthSession => ({
  id: 'other-session',
  generation: 0,
  token: jwtFor(600),
  tokenType: 'Bearer',
  expiresAt: Date.now() + 600_000,
  receivedAt: Date.now(),
  startedAt: Date.now(),
  refreshToken: 'rt-other',
  refreshExpiresAt: null,
  userState,
});

describe('sign-out messages', () => {
  test('a sign-out message that names no ended session leaves the session in place', async () => {
    const { store, post } = await signedInTab();
    const before = store.getState().auth.session;
    await post({ kind: KIND, session: null });
    expect(selectIsAuthenticated(store.getState()), 'still signed in').toBe(true);
    expect(store.getState().auth.session).toEqual(before);
  });

  test('a sign-out from another tab ends only the session it names; a malformed one ends nothing', async () => {
    const hub = createChannelHub();
    const authName = uniqueAuthName();
    const { store } = await makeStore({ authName, listener: { crossTab: { channel: hub.as('A') } } });
    store.dispatch(signIn({ auth: { token: jwtFor(600) }, refresh: 'r1' }));
    const other = hub.as('B')(authName);
    const signOutNaming = async (ended: unknown): Promise<void> => {
      other.postMessage({ kind: 'redux-auth-kit/session', session: null, ended, stored: true });
      await vi.advanceTimersByTimeAsync(10);
    };

    for (const ended of [42, null, 'another-session']) await signOutNaming(ended);
    expect(store.getState().auth.session).not.toBeNull();
    await signOutNaming(store.getState().auth.session!.id);
    expect(store.getState().auth.session).toBeNull();
  });
});

describe('sessions JSON cannot hold', () => {
  const cyclic = (): unknown => {
    const user: Record<string, unknown> = { name: 'Ada' };
    user.self = user;
    return user;
  };
  test.each([
    ['a Date', () => ({ name: 'Ada', since: new Date(T0) })],
    ['a Map', () => new Map([['name', 'Ada']])],
    ['a BigInt', () => ({ name: 'Ada', id: 10n })],
    ['a cycle', cyclic],
  ])('a session announced with %s in its user state is not adopted', async (_what, userState) => {
    const { store, post } = await signedInTab();
    await post({ kind: KIND, session: announcedSession(userState()), stored: true });
    checkInvariants(store.getState());
    expect(selectIsAuthenticated(store.getState())).toBe(true);
    expect(selectAuthUser(store.getState()), 'the user state of the session in place').toEqual({
      name: 'Ada',
    });
  });
});

describe('sessions that are already over', () => {
  test('a session announced with a refresh token that already expired does not replace the live one', async () => {
    const { store, post } = await signedInTab();
    const before = store.getState().auth.session;
    await post({
      kind: KIND,
      session: { ...announcedSession({ name: 'Eve' }), refreshExpiresAt: Date.now() - 1_000 },
      stored: true,
    });
    await vi.advanceTimersByTimeAsync(100);
    expect(selectIsAuthenticated(store.getState()), 'still signed in').toBe(true);
    expect(store.getState().auth.session).toEqual(before);
  });
});
