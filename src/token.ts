import { jwtDecode, type JwtPayload } from 'jwt-decode';
import { raise } from './errors';
import type { RefreshSucceededPayload, SessionRef } from './slice';

/** A finite number (`Number.isFinite` is false for anything that is not a number). */
export const isFiniteNumber = (value: unknown): value is number => Number.isFinite(value);

/** Whether the moment `at` (epoch ms; `null`: never) has come by `now`. */
export const passed = (at: number | null | undefined, now: number): boolean => (at ?? Infinity) <= now;

/** A bearer value goes into an HTTP header: a non-empty string with no whitespace or control characters. */
export const isTokenString = (value: unknown): value is string =>
  typeof value === 'string' && /^[\x21-\x7e]+$/.test(value);

/** `value` when it is a usable bearer string, else throws `invalid-token` naming the field. */
const tokenString = (value: unknown, name: string): string =>
  isTokenString(value)
    ? value
    : raise(
        'invalid-token',
        value === undefined
          ? `${name} is missing.`
          : `${name} must be a non-empty printable ASCII string without spaces.`,
      );

/** `value` when it is undefined or a positive, finite number of seconds, else throws naming the field. */
const seconds = (value: unknown, name: string): number | undefined =>
  value === undefined || (isFiniteNumber(value) && value > 0)
    ? value
    : raise('invalid-token', `${name} must be a positive number of seconds.`);

/** Throws `token-expired` for the token in field `name`. */
export const expired = (name: string): never => raise('token-expired', `${name} has already expired.`);

/**
 * When `token` expires, in local epoch ms: `lifetime` seconds from `now` when
 * given, else from its JWT claims — the lifetime `exp − iat` anchored to the
 * local arrival time `now`, so a client clock that is off does not shorten or
 * stretch it, else `exp` — else (opaque, undecodable, no numeric `exp`) `null`.
 * Throws when `exp` is already past beyond the clock-skew tolerance, and for an
 * access token (`access`) whose `exp` is at or before its `iat`.
 *
 * Decoding is not verifying: the server checks signatures. The result only
 * schedules refreshes.
 */
function expiryOf(
  token: string,
  lifetime: number | undefined,
  now: number,
  name: string,
  access: boolean,
): number | null {
  if (lifetime) return now + lifetime * 1000;
  let claims: JwtPayload | undefined;
  try {
    // jwt-decode reads the second part of any number of parts: only three make a JWT.
    if (token.split('.').length === 3) claims = jwtDecode<JwtPayload>(token);
  } catch {
    // Undecodable: an opaque token.
  }
  // The payload may be any JSON (`null`, a number): read it optionally.
  const exp = claims?.exp;
  const iat = claims?.iat;
  if (!isFiniteNumber(exp)) return null;
  // `exp − iat` in seconds; NaN (every comparison false) without a numeric `iat`.
  const life = exp - (isFiniteNumber(iat) ? iat : NaN);
  if (access && life <= 0) raise('invalid-token', `${name} has "exp" at or before "iat".`);
  // 300 s of clock difference are tolerated before `exp` counts as past.
  if (exp * 1000 < now - 300_000) expired(name);
  return life > 0 ? now + life * 1000 : exp * 1000;
}

/**
 * Validated tokens of a sign-in or a refresh result; expiries in local epoch ms.
 * `refreshToken` only when one was given; `refreshExpiresAt` only when a
 * refresh token or its lifetime was (`null`: unknown).
 */
export type Tokens = Omit<RefreshSucceededPayload, keyof SessionRef | 'userState'>;

/** Five fields, in the order of {@link readTokens}' values. */
export type TokenFields = readonly [string, string, string, string, string];

/**
 * Validates the tokens of a sign-in or a refresh result, given as `values` in
 * this order, which `names` names for messages: access token, its type, its
 * lifetime (seconds), refresh token (`undefined`: none given), its lifetime.
 * Throws `AuthError` naming the field, never holding a token. A non-JWT
 * (opaque) access token needs a lifetime unless `opaque` is `true`; otherwise
 * `opaque` says what it needs instead. A refresh token may always be opaque. The refresh lifetime applies to the refresh token given,
 * else to the current one.
 */
export function readTokens(
  [token, type, lifetime, refresh, refreshLifetime]: readonly unknown[],
  names: TokenFields,
  now: number,
  opaque: true | string,
): Tokens {
  const access = tokenString(token, names[0]);
  const expiresAt =
    expiryOf(access, seconds(lifetime, names[2]), now, names[0], true) ??
    (opaque === true
      ? null
      : raise(
          'invalid-token',
          `${names[0]} is not a JWT with a numeric "exp"; an opaque token needs ${opaque}.`,
        ));
  const tokens: Tokens = {
    token: access,
    tokenType: tokenString(type, names[1]),
    expiresAt,
    receivedAt: now,
  };
  const refreshToken = refresh === undefined ? refresh : tokenString(refresh, names[3]);
  const refreshIn = seconds(refreshLifetime, names[4]);
  if (refreshToken) tokens.refreshToken = refreshToken;
  // With no refresh token given, a lifetime is the current one's (and `expiryOf` returns before reading `''`).
  if (refreshToken || refreshIn)
    tokens.refreshExpiresAt = expiryOf(refreshToken ?? '', refreshIn, now, names[3], false);
  return tokens;
}
