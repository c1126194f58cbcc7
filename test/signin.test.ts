import { describe, expect, test, vi } from 'vitest';
import {
  AuthError,
  selectAuthExpiresAt,
  selectAuthHeader,
  selectAuthToken,
  selectAuthUser,
  signIn,
  type SignInParams,
} from 'redux-auth-kit';
import { T0, withFakeClock } from './support/clock';
import { jwtFor, makeJwt } from './support/jwt';
import { makeStore, uniqueAuthName } from './support/harness';
import { createMemoryStorage } from './support/memoryStorage';

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
