/** An unsigned JWT with the given claims: decoding, not verifying, is all the client does. */
export function makeJwt(claims: Record<string, unknown>): string {
  const enc = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc(claims)}.c2lnbmF0dXJl`;
}

let serial = 0;

/** A JWT issued now (by `Date.now()`), living `seconds`, unique on every call. */
export function jwtFor(seconds: number, extra: Record<string, unknown> = {}): string {
  const iat = Math.floor(Date.now() / 1000);
  serial += 1;
  return makeJwt({ sub: 'user-1', iat, exp: iat + seconds, jti: `t${serial}`, ...extra });
}

/** The middle third of a token: finding it in a log or a cookie means part of the token leaked. */
export const middleThird = (s: string): string =>
  s.slice(Math.floor(s.length / 3), Math.ceil((2 * s.length) / 3));
