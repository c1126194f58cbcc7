import { jwtDecode, type JwtPayload } from 'jwt-decode';
import { raise } from './errors';
import type { RefreshSucceededPayload, SessionRef } from './types';

/** A finite number (`Number.isFinite` is false for anything that is not a number). */
export const isFiniteNumber = (value: unknown): value is number => Number.isFinite(value);

/** Whether the moment `at` (epoch ms; `null`: never) has come by `now`. */
export const passed = (at: number | null | undefined, now: number): boolean => (at ?? Infinity) <= now;

/** The latest moment a `Date` can hold (epoch ms): a later expiry cannot be written to a cookie or a log. */
export const MAX_EPOCH_MS = 8.64e15;

/** How far past its `exp` a JWT may be and still be accepted: the device clock may be ahead. */
export const CLOCK_SKEW_MS = 300_000;

/** A bearer value goes into an HTTP header: a non-empty string with no whitespace or control characters. */
export const isTokenString = (value: unknown): value is string =>
  typeof value === 'string' && /^[\x21-\x7e]+$/.test(value);

/** `value` when it is a usable bearer string, else throws `invalid-token` naming the field. */
function tokenString(value: unknown, name: string): string {
  if (isTokenString(value)) return value;
  return raise(
    'invalid-token',
    value === undefined
      ? `${name} is missing.`
      : `${name} must be a non-empty printable ASCII string without spaces.`,
  );
}

/** `value` when it is undefined or a positive, finite number of seconds, else throws naming the field. */
function seconds(value: unknown, name: string): number | undefined {
  if (value === undefined || (isFiniteNumber(value) && value > 0)) return value;
  return raise('invalid-token', `${name} must be a positive number of seconds.`);
}

/** Throws `token-expired` for the token in field `name`. */
export const expired = (name: string): never => raise('token-expired', `${name} has already expired.`);

/** `at` when a `Date` can hold it, else throws naming the field whose expiry it is. */
function representable(at: number, name: string): number {
  if (at <= MAX_EPOCH_MS) return at;
  return raise('invalid-token', `${name} expires too far in the future (beyond what a date can hold).`);
}

/** What {@link expiryOf} needs to know about one token. */
interface ExpiryInput {
  token: string;
  /** Seconds the token lives, when the server said so; overrides its claims. */
  lifetime: number | undefined;
  now: number;
  /** The fields of the token and of its lifetime, for messages. */
  names: { token: string; lifetime: string };
  /** An access token must have `exp` after `iat`; a refresh token is only read for scheduling. */
  isAccessToken: boolean;
}

/** The claims of a JWT, or `undefined` for anything else (an opaque token). */
function claimsOf(token: string): JwtPayload | undefined {
  // jwt-decode reads the second part of any number of parts: only three make a JWT.
  if (token.split('.').length !== 3) return undefined;
  try {
    // The payload may be any JSON (`null`, a number): callers read it optionally.
    return jwtDecode<JwtPayload>(token) ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * When a token expires, in local epoch ms: `lifetime` seconds from `now` when
 * given, else from its JWT claims — the lifetime `exp − iat` anchored to the
 * local arrival time `now`, so a client clock that is off does not shorten or
 * stretch it, else `exp` — else (opaque, undecodable, no numeric `exp`) `null`.
 * Throws when `exp` is already past beyond the clock-skew tolerance, for an
 * access token whose `exp` is at or before its `iat`, and for an expiry no
 * `Date` can hold.
 *
 * Decoding is not verifying: the server checks signatures. The result only
 * schedules refreshes.
 */
function expiryOf({ token, lifetime, now, names, isAccessToken }: ExpiryInput): number | null {
  // Whole milliseconds: a lifetime under one is already over.
  if (lifetime !== undefined) return representable(Math.floor(now + lifetime * 1000), names.lifetime);
  const name = names.token;
  const claims = claimsOf(token);
  const exp = claims?.exp;
  if (!isFiniteNumber(exp)) return null;
  const iat = claims?.iat;
  const life = isFiniteNumber(iat) ? exp - iat : null;
  if (isAccessToken && life !== null && life <= 0) {
    raise('invalid-token', `${name} has "exp" at or before "iat".`);
  }
  if (exp * 1000 < now - CLOCK_SKEW_MS) expired(name);
  return representable(life !== null && life > 0 ? now + life * 1000 : exp * 1000, name);
}

/**
 * Validated tokens of a sign-in or a refresh result; expiries in local epoch ms.
 * `refreshToken` only when one was given; `refreshExpiresAt` only when a
 * refresh token or its lifetime was (`null`: unknown).
 */
export type Tokens = Omit<RefreshSucceededPayload, keyof SessionRef | 'userState'>;

/** The raw token fields of a sign-in or a refresh result, not yet checked. */
export interface TokenInput {
  token: unknown;
  type: unknown;
  /** Seconds the access token lives. */
  lifetime: unknown;
  /** The refresh token; `undefined` when none was given. */
  refreshToken: unknown;
  /** Seconds the refresh token lives. */
  refreshLifetime: unknown;
}

/** How each field of {@link TokenInput} is named in error messages. */
export type TokenFieldNames = Record<keyof TokenInput, string>;

/**
 * What to do with an access token that is not a JWT with a numeric `exp`:
 * accept it with no known expiry, or refuse it saying what it needs instead.
 */
export type OpaqueAccessToken = { accepted: true } | { accepted: false; needs: string };

/** Options for {@link readTokens}. */
export interface ReadTokensOptions {
  names: TokenFieldNames;
  now: number;
  opaque: OpaqueAccessToken;
}

/**
 * Validates the tokens of a sign-in or a refresh result. Throws `AuthError`
 * naming the field, never holding a token. A refresh token may always be
 * opaque. The refresh lifetime applies to the refresh token given, else to the
 * current one.
 */
export function readTokens(input: TokenInput, { names, now, opaque }: ReadTokensOptions): Tokens {
  const token = tokenString(input.token, names.token);
  const lifetime = seconds(input.lifetime, names.lifetime);
  const expiresAt = expiryOf({
    token,
    lifetime,
    now,
    // The access token's fields are named `token` and `lifetime` there too.
    names,
    isAccessToken: true,
  });
  if (expiresAt === null && !opaque.accepted) {
    raise(
      'invalid-token',
      `${names.token} is not a JWT with a numeric "exp"; an opaque token needs ${opaque.needs}.`,
    );
  }
  const tokens: Tokens = {
    token,
    tokenType: tokenString(input.type, names.type),
    expiresAt,
    receivedAt: now,
  };
  const refreshToken =
    input.refreshToken === undefined ? undefined : tokenString(input.refreshToken, names.refreshToken);
  const refreshLifetime = seconds(input.refreshLifetime, names.refreshLifetime);
  if (refreshToken !== undefined) tokens.refreshToken = refreshToken;
  if (refreshToken !== undefined || refreshLifetime !== undefined) {
    // With no refresh token given, a lifetime is the current one's; `expiryOf` then reads only the lifetime.
    tokens.refreshExpiresAt = expiryOf({
      token: refreshToken ?? '',
      lifetime: refreshLifetime,
      now,
      names: { token: names.refreshToken, lifetime: names.refreshLifetime },
      isAccessToken: false,
    });
  }
  return tokens;
}
