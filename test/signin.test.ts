import fc from 'fast-check';
import { describe, expect, test, vi } from 'vitest';
import {
  AuthError,
  createRefresh,
  selectAuthExpiresAt,
  selectAuthHeader,
  selectAuthToken,
  selectAuthUser,
  selectRefreshToken,
  signIn,
  signOut,
  type SignInParams,
} from 'redux-auth-kit';
import { T0, withFakeClock } from './support/clock';
import { checkInvariants, storageProbe } from './support/invariants';
import { jwtFor, makeJwt } from './support/jwt';
import { makeStore, uniqueAuthName } from './support/harness';
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

const nowS = (): number => Math.floor(Date.now() / 1000);
const b64 = (value: string): string => Buffer.from(value).toString('base64url');
const header = b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

withFakeClock();

/** A store signed in as someone else, with that session flushed to storage. */
async function signedInAsSomeoneElse() {
  const authName = uniqueAuthName();
  const memory = createMemoryStorage();
  const made = await makeStore<{ name: string }>({ authName, storage: memory.storage });
  made.store.dispatch(
    signIn({ auth: { token: jwtFor(3600) }, refresh: 'refresh-grace', userState: { name: 'Grace' } }),
  );
  await made.persistor.flush();
  return { ...made, ...memory, authName };
}

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('signIn refuses bad tokens before anything is dispatched', () => {
  const cases: Array<[string, () => SignInParams, 'invalid-token' | 'token-expired']> = [
    ['a token that is not three parts', () => ({ auth: { token: 'only.two' } }), 'invalid-token'],
    ['a token of four parts', () => ({ auth: { token: `${jwtFor(60)}.extra` } }), 'invalid-token'],
    [
      'a token whose payload is not base64',
      () => ({ auth: { token: `${header}.!!!not-base64!!!.sig` } }),
      'invalid-token',
    ],
    [
      'a token whose payload is not JSON',
      () => ({ auth: { token: `${header}.${b64('{"exp": 1')}.sig` } }),
      'invalid-token',
    ],
    [
      'a token whose payload is a JSON number',
      () => ({ auth: { token: `${header}.${b64('42')}.sig` } }),
      'invalid-token',
    ],
    [
      'a token whose payload is JSON null',
      () => ({ auth: { token: `${header}.${b64('null')}.sig` } }),
      'invalid-token',
    ],
    [
      'a token whose payload is a JSON array',
      () => ({ auth: { token: `${header}.${b64('[1,2]')}.sig` } }),
      'invalid-token',
    ],
    ['a JWT without exp', () => ({ auth: { token: makeJwt({ sub: 'u', iat: nowS() }) } }), 'invalid-token'],
    [
      'a JWT with a string exp',
      () => ({ auth: { token: makeJwt({ sub: 'u', exp: String(nowS() + 600) }) } }),
      'invalid-token',
    ],
    [
      'a JWT whose exp equals iat',
      () => ({ auth: { token: makeJwt({ iat: nowS(), exp: nowS() }) } }),
      'invalid-token',
    ],
    [
      'a JWT whose exp is before iat',
      () => ({ auth: { token: makeJwt({ iat: nowS(), exp: nowS() - 10 }) } }),
      'invalid-token',
    ],
    [
      'a JWT expired more than 300 s ago',
      () => ({ auth: { token: makeJwt({ iat: nowS() - 3600, exp: nowS() - 301 }) } }),
      'token-expired',
    ],
    [
      'a JWT without iat expired more than 300 s ago',
      () => ({ auth: { token: makeJwt({ exp: nowS() - 1000 }) } }),
      'token-expired',
    ],
    [
      'an opaque token without expiresIn',
      () => ({ auth: { token: 'opaque-access-token' } }),
      'invalid-token',
    ],
    ['an empty token', () => ({ auth: { token: '' } }), 'invalid-token'],
    ['a token with a trailing space', () => ({ auth: { token: `${jwtFor(600)} ` } }), 'invalid-token'],
    [
      'a token with a space inside',
      () => ({ auth: { token: 'opaque token', expiresIn: 600 } }),
      'invalid-token',
    ],
    ['a token with a newline', () => ({ auth: { token: `${jwtFor(600)}\n` } }), 'invalid-token'],
    [
      'an opaque token with a zero expiresIn',
      () => ({ auth: { token: 'opaque', expiresIn: 0 } }),
      'invalid-token',
    ],
    [
      'an opaque token with a NaN expiresIn',
      () => ({ auth: { token: 'opaque', expiresIn: Number.NaN } }),
      'invalid-token',
    ],
  ];

  test.each(cases)(
    '%s throws AuthError and leaves state and storage untouched',
    async (_label, params, code) => {
      const { store, persistor, data, counts, authName } = await signedInAsSomeoneElse();
      const before = store.getState();
      const storedBefore = data.get(authName);
      const writesBefore = { ...counts };
      const dispatched = vi.spyOn(store, 'dispatch');

      const error = thrown(() => store.dispatch(signIn(params())));

      expect(error).toBeInstanceOf(AuthError);
      expect(error).toBeInstanceOf(Error);
      expect((error as AuthError).code).toBe(code);
      expect(dispatched).not.toHaveBeenCalled();
      expect(store.getState()).toBe(before);
      expect(selectAuthUser(store.getState())).toEqual({ name: 'Grace' });
      await vi.advanceTimersByTimeAsync(100);
      await persistor.flush();
      expect(data.get(authName)).toBe(storedBefore);
      expect(counts).toEqual(writesBefore);
    },
  );

  test('the error message never contains the refused token', () => {
    const token = makeJwt({ sub: 'u', iat: nowS() - 3600, exp: nowS() - 400 });
    const error = thrown(() => signIn({ auth: { token } }));
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).message).not.toContain(token);
    expect((error as AuthError).message).not.toContain(token.split('.')[1]);
  });

  test('a refresh JWT whose exp is past is refused with token-expired', () => {
    const refresh = makeJwt({ exp: nowS() - 3600 });
    const error = thrown(() => signIn({ auth: { token: jwtFor(600) }, refresh }));
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).code).toBe('token-expired');
  });

  test('a refresh JWT with iat whose exp is past by more than the skew tolerance is refused with token-expired', () => {
    const refresh = makeJwt({ iat: nowS() - 7200, exp: nowS() - 3600 });
    const error = thrown(() => signIn({ auth: { token: jwtFor(600) }, refresh }));
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).code).toBe('token-expired');
  });
});

describe('signIn accepts and anchors expiry', () => {
  test('a JWT past its exp by less than the 300 s skew tolerance is accepted', async () => {
    const { store } = await makeStore({ authName: uniqueAuthName() });
    const iat = nowS() - 3600;
    const exp = nowS() - 299;
    const token = makeJwt({ sub: 'u', iat, exp });
    store.dispatch(signIn({ auth: { token } }));
    expect(selectAuthToken(store.getState())).toBe(token);
    expect(selectAuthExpiresAt(store.getState())).toBe(T0 + (exp - iat) * 1000);
  });

  test('a JWT from a server whose clock runs an hour ahead lives exp − iat from local arrival', async () => {
    const { store } = await makeStore({ authName: uniqueAuthName() });
    const iat = nowS() + 3600;
    const exp = iat + 900;
    const token = makeJwt({ sub: 'u', iat, exp });
    store.dispatch(signIn({ auth: { token } }));
    expect(selectAuthExpiresAt(store.getState())).toBe(T0 + 900_000);
    expect(store.getState().auth.session?.receivedAt).toBe(T0);
  });

  test('a JWT from a server whose clock runs an hour behind also lives exp − iat from local arrival', async () => {
    const { store } = await makeStore({ authName: uniqueAuthName() });
    const iat = nowS() - 3600;
    const exp = iat + 3900;
    store.dispatch(signIn({ auth: { token: makeJwt({ iat, exp }) } }));
    expect(selectAuthExpiresAt(store.getState())).toBe(T0 + 3_900_000);
  });

  test('expiresIn overrides the JWT exp', async () => {
    const { store } = await makeStore({ authName: uniqueAuthName() });
    store.dispatch(signIn({ auth: { token: jwtFor(3600), expiresIn: 120 } }));
    expect(selectAuthExpiresAt(store.getState())).toBe(T0 + 120_000);
  });

  test('an opaque token with expiresIn is accepted with the Bearer type by default', async () => {
    const { store } = await makeStore({ authName: uniqueAuthName() });
    store.dispatch(signIn({ auth: { token: 'opaque-access-1', expiresIn: 600 } }));
    expect(selectAuthHeader(store.getState())).toBe('Bearer opaque-access-1');
    expect(selectAuthExpiresAt(store.getState())).toBe(T0 + 600_000);
  });

  test('a custom token type shows in the authorization header', async () => {
    const { store } = await makeStore({ authName: uniqueAuthName() });
    const token = jwtFor(600);
    store.dispatch(signIn({ auth: { token, type: 'DPoP' } }));
    expect(selectAuthHeader(store.getState())).toBe(`DPoP ${token}`);
  });

  test('signing in over another session replaces it', async () => {
    const { store, persistor, data, authName } = await signedInAsSomeoneElse();
    const token = jwtFor(600);
    store.dispatch(signIn({ auth: { token }, userState: { name: 'Ada' } }));
    await persistor.flush();
    expect(selectAuthUser(store.getState())).toEqual({ name: 'Ada' });
    expect(data.get(authName)).toContain(token);
    expect(data.get(authName)).not.toContain('refresh-grace');
  });
});

// Property: whatever signIn is given (any string as a token, JWT-shaped strings with random
// claims, any expiresIn / refreshExpiresIn), it either throws an AuthError before anything is
// dispatched, or signs in a session that keeps every invariant, then and later, and that a
// sign-out removes from storage.

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
