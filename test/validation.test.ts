import { describe, expect, test } from 'vitest';
import {
  AuthError,
  authReducer,
  refreshFailed,
  refreshSucceeded,
  sessionSynced,
  signIn,
  tokenExpired,
  type AuthState,
  type SignInParams,
} from 'redux-auth-kit';
import { parseRefreshResult } from '../src/refresh/result';
import type { AuthSession } from '../src/types';
import { T0, withFakeClock } from './support/clock';
import { jwtFor, makeJwt } from './support/jwt';

const NOW = Date.now();
const nowS = Math.floor(NOW / 1000);

function errorOf(run: () => unknown): AuthError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    return error as AuthError;
  }
  throw new Error('expected a throw');
}

describe('signIn names the field it refuses', () => {
  test.each([
    ['no params', undefined, 'auth.token'],
    ['null params', null, 'auth.token'],
    ['a bare token string', 'a.b.c', 'auth.token'],
    ['auth null', { auth: null }, 'auth.token'],
    ['a null type', { auth: { token: jwtFor(600), type: null } }, 'auth.type'],
    ['a type with a space', { auth: { token: jwtFor(600), type: 'Bear er' } }, 'auth.type'],
    ['an empty refresh token', { auth: { token: jwtFor(600) }, refresh: '' }, 'refresh'],
    ['a zero refreshExpiresIn', { auth: { token: jwtFor(600) }, refreshExpiresIn: 0 }, 'refreshExpiresIn'],
    ['an opaque token', { auth: { token: 'opaque' } }, 'auth.expiresIn'],
  ])('%s', (_label, params, field) => {
    const error = errorOf(() => signIn(params as unknown as SignInParams));
    expect(error.code).toBe('invalid-token');
    expect(error.message).toContain(field);
  });

  test('a refresh JWT without iat that expired within the skew tolerance is refused', () => {
    const refresh = makeJwt({ exp: Math.floor(Date.now() / 1000) - 10 });
    const error = errorOf(() => signIn({ auth: { token: jwtFor(600) }, refresh }));
    expect(error.code).toBe('token-expired');
    expect(error.message).toContain('refresh');
  });

  test('a refresh lifetime without a refresh token leaves no refresh expiry', () => {
    const { payload } = signIn({ auth: { token: jwtFor(600) }, refreshExpiresIn: 60 });
    expect(payload.refreshToken).toBeNull();
    expect(payload.refreshExpiresAt).toBeNull();
  });

  test('a null refresh token means none', () => {
    const { payload } = signIn({ auth: { token: jwtFor(600) }, refresh: null });
    expect(payload.refreshToken).toBeNull();
  });

  test('an opaque refresh token has an unknown expiry; a JWT one its anchored lifetime', () => {
    expect(signIn({ auth: { token: jwtFor(600) }, refresh: 'opaque' }).payload.refreshExpiresAt).toBeNull();
    const before = Date.now();
    const at = signIn({
      auth: { token: jwtFor(600) },
      refresh: makeJwt({ iat: nowS - 7200, exp: nowS - 3600 + 86400 }),
    }).payload.refreshExpiresAt;
    expect(at).toBeGreaterThanOrEqual(before + 86_400_000 - 3_600_000);
  });

  test('a sign-in without a token says that the token is missing', () => {
    for (const params of [undefined, {}, { auth: null }, { auth: {} }]) {
      expect(() => signIn(params as never)).toThrowError(
        expect.objectContaining({ code: 'invalid-token', message: 'auth.token is missing.' }),
      );
    }
    expect(() => signIn({ auth: { token: jwtFor(60) }, refresh: 5 as never })).toThrowError(
      /^refresh \(the refresh token\) must be a non-empty/,
    );
  });
});

describe('parseRefreshResult', () => {
  const session: AuthSession = {
    id: 's',
    generation: 0,
    token: 't',
    tokenType: 'DPoP',
    expiresAt: NOW + 60_000,
    receivedAt: NOW,
    startedAt: NOW,
    refreshToken: 'r',
    refreshExpiresAt: null,
    userState: null,
  };
  const ref = { sessionId: 's', generation: 0 };
  const parse = (result: unknown, intervalConfigured = false) =>
    parseRefreshResult(result, { tokenType: session.tokenType, ref, intervalConfigured, now: NOW });

  test.each([null, undefined, 'yes', 42, () => ({ isSuccess: false }), {}, { isSuccess: 'true' }])(
    '%s is invalid and names isSuccess',
    (result) => {
      const parsed = parse(result);
      expect(parsed.kind).toBe('invalid');
      expect(parsed.kind === 'invalid' && parsed.problem).toContain('"isSuccess"');
    },
  );

  test('isSuccess false is a rejection', () => {
    expect(parse({ isSuccess: false })).toEqual({ kind: 'rejected' });
  });

  test.each([
    [{ newAuthToken: 'opaque', newAuthTokenExpireIn: 5, newAuthTokenType: '' }, 'newAuthTokenType'],
    [{ newAuthToken: 'opaque', newAuthTokenExpireIn: -1 }, 'newAuthTokenExpireIn'],
    [{ newAuthToken: 'opaque' }, 'newAuthToken'],
    [{ newAuthToken: 'opaque', newAuthTokenExpireIn: 5, newRefreshToken: null }, 'newRefreshToken'],
    [
      { newAuthToken: 'opaque', newAuthTokenExpireIn: 5, newRefreshTokenExpiresIn: Number.NaN },
      'newRefreshTokenExpiresIn',
    ],
    [{ newAuthToken: makeJwt({ iat: nowS, exp: nowS }) }, 'newAuthToken'],
  ])('%o is invalid, naming %s', (fields, field) => {
    const parsed = parse({ isSuccess: true, ...fields });
    expect(parsed.kind).toBe('invalid');
    expect(parsed.kind === 'invalid' && parsed.problem).toContain(field);
  });

  test('a minimal success keeps the type and carries no refresh fields', () => {
    const parsed = parse({ isSuccess: true, newAuthToken: 'opaque' }, true);
    expect(parsed).toEqual({
      kind: 'success',
      payload: { ...ref, token: 'opaque', tokenType: 'DPoP', expiresAt: null, receivedAt: NOW },
    });
    expect(Object.keys(parsed.kind === 'success' ? parsed.payload : {})).not.toContain('refreshToken');
  });

  test('a refresh lifetime alone applies to the current refresh token; user state null is kept as null', () => {
    const parsed = parse({
      isSuccess: true,
      newAuthToken: 'opaque',
      newAuthTokenExpireIn: 10,
      newRefreshTokenExpiresIn: 60,
      newAuthUserState: null,
    });
    expect(parsed).toEqual({
      kind: 'success',
      payload: {
        ...ref,
        token: 'opaque',
        tokenType: 'DPoP',
        expiresAt: NOW + 10_000,
        receivedAt: NOW,
        refreshExpiresAt: NOW + 60_000,
        userState: null,
      },
    });
  });

  test('a rotated opaque refresh token has an unknown expiry unless given', () => {
    const base = { isSuccess: true, newAuthToken: 'opaque', newAuthTokenExpireIn: 10, newRefreshToken: 'r2' };
    expect(parse(base)).toMatchObject({ payload: { refreshToken: 'r2', refreshExpiresAt: null } });
    expect(parse({ ...base, newRefreshTokenExpiresIn: 30 })).toMatchObject({
      payload: { refreshToken: 'r2', refreshExpiresAt: NOW + 30_000 },
    });
  });
});

const signedIn = (): AuthState =>
  authReducer(undefined, signIn({ auth: { token: jwtFor(600) }, refresh: 'r1', userState: { name: 'Ada' } }));

/** A refreshSucceeded payload with a new access token for `state`'s session. */
const newTokensFor = ({ session }: AuthState) => ({
  sessionId: session!.id,
  generation: session!.generation,
  token: 'next-token',
  tokenType: 'Bearer',
  expiresAt: T0 + 600_000,
  receivedAt: T0,
});

describe('the auth reducer', () => {
  withFakeClock();

  describe('refreshSucceeded', () => {
    test('keeps the refresh token, its expiry and the user state when the payload leaves them undefined', () => {
      const state = signedIn();
      const session = state.session!;
      const next = authReducer(
        state,
        // Explicit `undefined`s, as a JavaScript caller may write them (the types forbid them).
        refreshSucceeded({
          ...newTokensFor(state),
          refreshToken: undefined,
          refreshExpiresAt: undefined,
          userState: undefined,
        } as never),
      );
      expect(next.session).toMatchObject({
        generation: 1,
        token: 'next-token',
        refreshToken: 'r1',
        refreshExpiresAt: session.refreshExpiresAt,
        userState: { name: 'Ada' },
      });
    });

    test('takes only session fields from its payload', () => {
      const state = signedIn();
      const session = state.session!;
      const payload = {
        ...newTokensFor(state),
        startedAt: 1,
        id: 'forged',
        note: 'not a session field',
      };
      const next = authReducer(state, refreshSucceeded(payload));
      expect(next.session).toEqual({ ...session, generation: 1, token: 'next-token', receivedAt: T0 });
    });
  });

  test('actions naming no session change nothing while signed out, and never throw', () => {
    const signedOut = authReducer(undefined, { type: 'init' });
    const nameless = [
      tokenExpired({} as never),
      refreshFailed({ reason: 'network', retryAt: 1 } as never),
      refreshSucceeded({ token: 't', tokenType: 'Bearer', expiresAt: null, receivedAt: T0 } as never),
    ];
    for (const action of nameless) expect(authReducer(signedOut, action)).toBe(signedOut);
    // A sign-out naming an invalid session ends nothing.
    const state = signedIn();
    expect(authReducer(state, sessionSynced({ session: null, ended: null as never, now: T0 }))).toBe(state);
  });
});
