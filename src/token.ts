import { jwtDecode, type JwtPayload } from 'jwt-decode';
import { AuthError } from './errors';

/** Seconds of clock difference tolerated before a token's `exp` counts as past. */
const CLOCK_SKEW_MS = 300_000;

/** A finite number (`Number.isFinite` is false for anything that is not a number). */
export const isFiniteNumber = (value: unknown): value is number => Number.isFinite(value);

/** A bearer value goes into an HTTP header: a non-empty string with no whitespace or control characters. */
export const isTokenString = (value: unknown): value is string =>
  typeof value === 'string' && /^[\x21-\x7e]+$/.test(value);

/** The claims of a JWT with a numeric `exp`, or `null` (opaque, undecodable, or no `exp`). */
function claimsOf(token: string): { exp: number; iat?: unknown } | null {
  if (token.split('.').length !== 3) return null;
  try {
    const claims = jwtDecode<JwtPayload>(token);
    return isFiniteNumber(claims.exp) ? { exp: claims.exp, iat: claims.iat } : null;
  } catch {
    return null;
  }
}

/**
 * Local expiry from the claims: the lifetime `exp − iat` anchored to the local
 * arrival time, so a client clock that is off does not shorten or stretch it;
 * else `exp`. Throws when `exp` is already past beyond the clock-skew tolerance.
 */
function claimExpiry(claims: { exp: number; iat?: unknown }, now: number, label: string): number {
  const { exp, iat } = claims;
  if (exp * 1000 < now - CLOCK_SKEW_MS)
    throw new AuthError('token-expired', `The ${label} has already expired.`);
  return isFiniteNumber(iat) && exp > iat ? now + (exp - iat) * 1000 : exp * 1000;
}

/** Throws when `value` is not a usable bearer string. */
export function assertTokenString(value: unknown, label: string): asserts value is string {
  if (!isTokenString(value)) {
    throw new AuthError(
      'invalid-token',
      `The ${label} must be a non-empty string with no whitespace or control characters.`,
    );
  }
}

/** Throws unless `value` is a positive, finite number of seconds (or undefined). */
export function assertSeconds(
  value: unknown,
  label: string,
  code: 'invalid-token' | 'invalid-option' = 'invalid-option',
): asserts value is number | undefined {
  if (value !== undefined && !(isFiniteNumber(value) && value > 0)) {
    throw new AuthError(code, `${label} must be a positive number of seconds.`);
  }
}

/**
 * When an access token expires, in local epoch ms, or `null` when unknown and
 * `allowUnknown`. `expiresIn` (seconds) overrides the JWT's `exp`.
 *
 * Decoding is not verifying: the server checks signatures. The result only
 * schedules refreshes.
 */
export function expiryOf(
  token: unknown,
  expiresIn: unknown,
  now: number,
  label = 'access token',
  allowUnknown = false,
): number | null {
  assertTokenString(token, label);
  if (expiresIn !== undefined) {
    assertSeconds(expiresIn, `The expiry given for the ${label}`, 'invalid-token');
    return now + expiresIn * 1000;
  }
  const claims = claimsOf(token);
  if (claims === null) {
    if (allowUnknown) return null;
    throw new AuthError(
      'invalid-token',
      `The ${label} is not a JWT with a numeric "exp"; pass an explicit expiry for opaque tokens.`,
    );
  }
  if (isFiniteNumber(claims.iat) && claims.exp <= claims.iat) {
    throw new AuthError('invalid-token', `The ${label} has "exp" at or before "iat".`);
  }
  return claimExpiry(claims, now, label);
}

/**
 * Expiry of a refresh token: from `expiresIn` when given, else from its `exp`
 * when it happens to be a JWT, else unknown (`null`). Throws only for a JWT whose
 * `exp` is already past; opaque tokens are accepted as they are.
 */
export function refreshExpiryOf(
  token: string,
  expiresIn: number | undefined,
  now: number,
  label = 'refresh token',
): number | null {
  if (expiresIn !== undefined) return now + expiresIn * 1000;
  const claims = claimsOf(token);
  return claims && claimExpiry(claims, now, label);
}
