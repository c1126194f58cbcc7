// What any script on the origin may post on the cross-tab channel: a message that is not a
// well-formed announcement ends nothing, and nothing JSON cannot hold is adopted.
import fc from 'fast-check';
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
import { checkInvariants, storageProbe } from './support/invariants';
import { jwtFor } from './support/jwt';
import { createLockManager } from './support/locks';
import { createMemoryStorage } from './support/memoryStorage';
import {
  assertProperty,
  freshClock,
  jsonData,
  openStore,
  oracleSession,
  propertyAuthName,
  propertyTimeout,
  recordingLogger,
  SESSION_FIELDS,
  validSession,
  anyCloneable,
} from './support/properties';

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

// Property: whatever another script on the origin posts on the cross-tab channel (any
// structured-clone value; announcements with sessions that are valid, corrupted, or hold what
// JSON cannot; sign-outs naming any session or none), nothing unserializable is adopted,
// nothing malformed ends a session, only a valid session can replace one, and every invariant holds.

/** Stands for the receiving tab's session id, filled in when the message is posted. */
const CURRENT = '<current session id>';

/** A session another tab might announce: valid, with what JSON cannot hold, corrupted, or anything. */
const announced: fc.Arbitrary<unknown> = fc.oneof(
  // Valid, signed in a little before or after the tab's own sign-in; sometimes the tab's own id.
  fc
    .record({
      session: validSession,
      startedIn: fc.integer({ min: -1_000, max: 1_000 }),
      own: fc.boolean(),
      generation: fc.nat({ max: 3 }),
    })
    .map(({ session, startedIn, own, generation }) => ({
      ...session,
      ...(own && { id: CURRENT, generation }),
      startedAt: Date.now() + startedIn,
      expiresAt: Date.now() + 600_000,
      receivedAt: Date.now(),
    })),
  // Valid but for a user state JSON cannot hold.
  fc.tuple(validSession, anyCloneable).map(([session, userState]) => ({
    ...session,
    startedAt: Date.now() + 1_000,
    userState,
  })),
  // One field corrupted or missing.
  fc
    .tuple(
      validSession,
      fc.constantFrom(...SESSION_FIELDS),
      fc.option(fc.oneof(jsonData, anyCloneable), { nil: undefined }),
    )
    .map(([session, field, value]) => {
      const corrupted: Record<string, unknown> = { ...session, startedAt: Date.now() + 1_000 };
      if (value === undefined) delete corrupted[field];
      else corrupted[field] = value;
      return corrupted;
    }),
  anyCloneable,
);

const message: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 1, arbitrary: anyCloneable },
  {
    weight: 6,
    arbitrary: fc.record(
      {
        kind: fc.oneof({ weight: 9, arbitrary: fc.constant(KIND) }, { weight: 1, arbitrary: fc.string() }),
        session: fc.oneof(fc.constant(null), announced),
        ended: fc.oneof(fc.constant(CURRENT), fc.string(), anyCloneable),
        stored: fc.oneof(fc.boolean(), anyCloneable),
      },
      { requiredKeys: ['kind'] },
    ),
  },
);

/** `value` with every {@link CURRENT} string (at the top two levels) replaced by `id`. */
function fill(value: unknown, id: string): unknown {
  if (value === CURRENT) return id;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) out[key] = inner === CURRENT ? id : fill(inner, id);
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

test(
  'any message on the cross-tab channel leaves a serializable state, ends only the session a well-formed sign-out names, and lets only a valid session replace it',
  async () => {
    await assertProperty(
      'channel messages',
      fc.asyncProperty(
        fc.boolean(),
        fc.array(message, { minLength: 1, maxLength: 3 }),
        async (signedIn, messages) => {
          freshClock();
          const authName = propertyAuthName();
          const hub = createChannelHub();
          const memory = createMemoryStorage();
          const { logger } = recordingLogger();
          const made = await openStore({
            authName,
            storage: memory.storage,
            refresh: createRefresh({ refreshApiCallback: () => new Promise<never>(() => {}) }),
            logger,
            listener: { logger, crossTab: { locks: createLockManager().manager, channel: hub.as('tab') } },
          });
          try {
            const { store, persistor } = made;
            const token = jwtFor(600);
            if (signedIn)
              store.dispatch(signIn({ auth: { token }, refresh: 'rt-tab', userState: { name: 'Ada' } }));
            await vi.advanceTimersByTimeAsync(1);
            const before = store.getState().auth.session;
            const id = before?.id ?? 'no-session';
            const script = hub.as('script')(authName);
            const posted: unknown[] = [];
            for (const m of messages) {
              const filled = fill(m, id);
              posted.push(filled);
              script.postMessage(filled);
            }
            await vi.advanceTimersByTimeAsync(10);

            const ours = posted.filter((m): m is Record<string, unknown> => isObject(m) && m.kind === KIND);
            const endsOurs = ours.some((m) => m.session === null && m.ended === id);
            const validSessions = ours
              .map((m) => (m.session === null ? null : oracleSession(m.session)))
              .filter((s): s is AuthSession => s !== null);
            const after = store.getState().auth.session;
            if (before !== null && !endsOurs) {
              expect(selectIsAuthenticated(store.getState()), 'nothing malformed ends the session').toBe(
                true,
              );
            }
            if (validSessions.length === 0) {
              // Nothing valid was announced: the session in place is the one the tab had, if any.
              if (after !== null) expect(after, 'only a valid session replaces one').toStrictEqual(before);
            } else if (after !== null && after.id !== before?.id) {
              expect(validSessions, 'an adopted session is one that was announced').toContainEqual(after);
            }
            if (before !== null && endsOurs && messages.length === 1) {
              expect(after, 'a sign-out naming the session ends it').toBeNull();
            }
            await persistor.flush();
            const tokens = [
              token,
              'rt-tab',
              ...validSessions.flatMap((s) => [s.token, s.refreshToken ?? '']),
            ];
            checkInvariants(store.getState(), storageProbe({ authName, memory: memory.data, tokens }));
          } finally {
            made.dispose();
          }
        },
      ),
      0xb0ad,
    );
  },
  propertyTimeout(),
);
