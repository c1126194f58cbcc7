import { jwtDecode, type JwtPayload } from 'jwt-decode';
import { AuthError } from './errors';

/** Seconds of clock difference tolerated before a token's `exp` counts as past. */
export const DEFAULT_CLOCK_SKEW_SECONDS = 300;

export interface ExpiryInput {
  /** The token as received. */
  token: string;
  /** Seconds the token lives, overriding its `exp` (required for opaque tokens). */
  expiresIn?: number | undefined;
  /** Local epoch ms at which the token arrived. */
  now: number;
  /** Accept a token with no readable expiry; its expiry is then unknown (`null`). */
  allowUnknownExpiry?: boolean;
  clockSkewSeconds?: number;
  /** Names the token in error messages ("access token", "newAuthToken", ...). */
  label?: string;
}

// A bearer value goes into an HTTP header: no whitespace or control characters.
const HEADER_SAFE = /^[\x21-\x7e]+$/;

function decodeClaims(token: string): JwtPayload | null {
  if (token.split('.').length !== 3) return null;
  try {
    return jwtDecode<JwtPayload>(token);
  } catch {
    return null;
  }
}

/** Throws when `value` is not a usable bearer string. */
export function assertTokenString(value: unknown, label: string): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new AuthError('invalid-token', `The ${label} must be a non-empty string.`);
  }
  if (!HEADER_SAFE.test(value)) {
    throw new AuthError(
      'invalid-token',
      `The ${label} contains whitespace or characters not allowed in an HTTP header.`,
    );
  }
}

/** Throws unless `value` is a positive, finite number of seconds (or undefined). */
export function assertSeconds(
  value: unknown,
  label: string,
  code: 'invalid-token' | 'invalid-option' = 'invalid-option',
): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new AuthError(code, `${label} must be a positive number of seconds.`);
  }
}

/**
 * When a token expires, in local epoch ms, or `null` when unknown and allowed.
 *
 * Decoding is not verifying: the server checks signatures. The result only
 * schedules refreshes. A JWT's lifetime `exp − iat` is anchored to the local
 * arrival time, so a client clock that is off does not shorten or stretch it.
 */
export function expiryOf(input: ExpiryInput): number | null {
  const label = input.label ?? 'access token';
  assertTokenString(input.token, label);
  const skewMs = (input.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS) * 1000;
  if (input.expiresIn !== undefined) {
    assertSeconds(input.expiresIn, `The expiry given for the ${label}`, 'invalid-token');
    return input.now + input.expiresIn * 1000;
  }
  const claims = decodeClaims(input.token);
  if (claims === null) {
    if (input.allowUnknownExpiry) return null;
    throw new AuthError(
      'invalid-token',
      `The ${label} is not a decodable JWT; pass an explicit expiry for opaque tokens.`,
    );
  }
  const { exp, iat } = claims;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) {
    if (input.allowUnknownExpiry) return null;
    throw new AuthError('invalid-token', `The ${label} has no numeric "exp" claim; pass an explicit expiry.`);
  }
  if (typeof iat === 'number' && Number.isFinite(iat) && exp <= iat) {
    throw new AuthError('invalid-token', `The ${label} has "exp" at or before "iat".`);
  }
  if (exp * 1000 < input.now - skewMs) {
    throw new AuthError('token-expired', `The ${label} has already expired.`);
  }
  if (typeof iat === 'number' && Number.isFinite(iat)) return input.now + (exp - iat) * 1000;
  return exp * 1000;
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
  const claims = decodeClaims(token);
  if (claims === null || typeof claims.exp !== 'number' || !Number.isFinite(claims.exp)) return null;
  if (claims.exp * 1000 < now - DEFAULT_CLOCK_SKEW_SECONDS * 1000) {
    throw new AuthError('token-expired', `The ${label} has already expired.`);
  }
  if (typeof claims.iat === 'number' && Number.isFinite(claims.iat) && claims.exp > claims.iat) {
    return now + (claims.exp - claims.iat) * 1000;
  }
  return claims.exp * 1000;
}
