// Property: whatever signIn is given (any string as a token, JWT-shaped strings with random
// claims, any expiresIn / refreshExpiresIn), it either throws an AuthError before anything is
// dispatched, or signs in a session that keeps every invariant, then and later, and that a
// sign-out removes from storage.
import fc from 'fast-check';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import {
  AuthError,
  createRefresh,
  selectAuthUser,
  selectRefreshToken,
  signIn,
  signOut,
  type SignInParams,
} from 'redux-auth-kit';
import { checkInvariants, storageProbe } from './support/invariants';
import { createMemoryStorage } from './support/memoryStorage';
import {
  anyNumber,
  anyTokenString,
  assertProperty,
  freshClock,
  jsonData,
  openStore,
  propertyAuthName,
  propertyTimeout,
  recordingLogger,
} from './support/properties';

beforeAll(() => {
  vi.useFakeTimers();
});
afterAll(() => {
  vi.useRealTimers();
});

const CODES = ['invalid-token', 'token-expired', 'invalid-option'];

/** A number of seconds: plausible, any number, or not a number at all. */
const seconds = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 86_400 * 30 }) },
  { weight: 3, arbitrary: anyNumber },
  { weight: 1, arbitrary: jsonData },
);

/** The token type: mostly the default, sometimes any string. */
const tokenType = fc.oneof(
  { weight: 3, arbitrary: fc.constant('Bearer') },
  { weight: 1, arbitrary: anyTokenString },
);

/** React Auth Kit's sign-in payload, any field absent, odd or broken; rarely not an object at all. */
const signInParams: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 20,
    arbitrary: fc.record(
      {
        auth: fc.oneof(
          {
            weight: 9,
            arbitrary: fc.record(
              { token: anyTokenString, type: tokenType, expiresIn: seconds },
              { requiredKeys: ['token'] },
            ),
          },
          { weight: 1, arbitrary: jsonData },
        ),
        refresh: fc.oneof(fc.constant(null), anyTokenString),
        refreshExpiresIn: seconds,
        userState: fc.oneof(fc.constant(null), jsonData),
      },
      { requiredKeys: ['auth'] },
    ),
  },
  { weight: 1, arbitrary: fc.anything() },
);

const strings = (...values: unknown[]): string[] => values.filter((v): v is string => typeof v === 'string');

test(
  'signIn with any token, claims and lifetimes refuses with an AuthError before dispatch, or keeps every invariant until sign-out',
  async () => {
    await assertProperty(
      'signIn',
      fc.asyncProperty(signInParams, fc.integer({ min: 0, max: 120_000 }), async (params, later) => {
        freshClock();
        const memory = createMemoryStorage();
        const authName = propertyAuthName();
        const { logger } = recordingLogger();
        const made = await openStore({
          authName,
          storage: memory.storage,
          // Transient failures only: the session stays, retried with backoff.
          refresh: createRefresh({
            refreshApiCallback: async () => {
              throw new TypeError('Failed to fetch');
            },
          }),
          listener: { logger, crossTab: false },
        });
        try {
          const { store, persistor } = made;
          const before = store.getState().auth;
          let action: ReturnType<typeof signIn>;
          try {
            action = signIn(params as SignInParams);
          } catch (error) {
            expect(error).toBeInstanceOf(AuthError);
            expect(CODES).toContain((error as AuthError).code);
            expect(store.getState().auth).toBe(before);
            return;
          }
          // The action is serializable: DevTools records and replays it.
          expect(JSON.parse(JSON.stringify(action))).toStrictEqual(action);
          store.dispatch(action);

          const given = params as SignInParams;
          const session = store.getState().auth.session;
          expect(session?.token).toBe(given.auth.token);
          expect(session?.tokenType).toBe(given.auth.type ?? 'Bearer');
          expect(selectRefreshToken(store.getState())).toBe(given.refresh ?? null);
          expect(selectAuthUser(store.getState())).toStrictEqual(given.userState ?? null);
          checkInvariants(store.getState());

          await vi.advanceTimersByTimeAsync(later);
          checkInvariants(store.getState());

          store.dispatch(signOut());
          await persistor.flush();
          const tokens = strings(given.auth.token, given.refresh);
          checkInvariants(store.getState(), storageProbe({ authName, memory: memory.data, tokens }));
        } finally {
          made.dispose();
        }
      }),
      0x5161,
    );
  },
  propertyTimeout(),
);
