// The refresh token's cookie in secure mode (the app's `authType: 'memory'`): the server sets,
// rotates and clears it; no page script can read it.
//
// - HttpOnly: `document.cookie` never shows it, so an XSS payload cannot copy the refresh token.
// - SameSite=Strict: the browser sends it on no request another site starts, navigations included.
//   The app reads it only through its own fetch calls, so Lax would buy nothing. ("Site" ignores the
//   port and subdomains: every port of 127.0.0.1 is the same site. See csrf.mjs for the rest.)
// - Path=/auth: sent only to the routes that read it (/auth/refresh, /auth/logout, /auth/login,
//   /auth/exchange), never to /api, /login or the app's files. A path is matched by prefix, so
//   /auth/refresh alone would keep it from /auth/logout, which must read it to revoke its family.
// - Secure only when the server itself speaks https. Chromium (156, measured) stores and sends a
//   Secure cookie on http://127.0.0.1 and http://localhost, which it counts as secure contexts, but
//   drops it on any other plain-http host (a LAN address, a container name), where `npm start`
//   would then sign nobody in. Behind a TLS-terminating proxy, decide Secure from your deployment,
//   not from a header the client sends.
// - Max-Age = the refresh token's lifetime, renewed by every rotation; no Domain (host-only).
// - No `__Host-` prefix: it demands Path=/, which would send the token with every request.

/** The cookie's name. */
export const REFRESH_COOKIE = 'lumen_refresh';
/** The cookie's `Path`: the prefix of every route that reads it. */
export const REFRESH_COOKIE_PATH = '/auth';

/**
 * The `Set-Cookie` value that stores `token` for `maxAge` seconds.
 *
 * @param {string} token a JWT: base64url and dots, safe in a cookie value as it is
 * @param {{ maxAge: number, secure: boolean }} options
 * @returns {string}
 */
export function refreshCookie(token, { maxAge, secure }) {
  const attributes = [`Path=${REFRESH_COOKIE_PATH}`, `Max-Age=${maxAge}`, 'HttpOnly', 'SameSite=Strict'];
  if (secure) attributes.push('Secure');
  return [`${REFRESH_COOKIE}=${token}`, ...attributes].join('; ');
}

/**
 * The `Set-Cookie` value that removes the cookie: same name and Path, expired.
 *
 * @param {{ secure: boolean }} options
 * @returns {string}
 */
export function clearedRefreshCookie({ secure }) {
  return refreshCookie('', { maxAge: 0, secure });
}

/**
 * The refresh token the request's `Cookie` header carries, or `null`.
 *
 * @param {import('node:http').IncomingMessage} req
 * @returns {string | null}
 */
export function readRefreshCookie(req) {
  const header = req.headers.cookie ?? '';
  for (const pair of header.split(';')) {
    const at = pair.indexOf('=');
    if (at === -1 || pair.slice(0, at).trim() !== REFRESH_COOKIE) continue;
    const value = pair.slice(at + 1).trim();
    return value === '' ? null : value;
  }
  return null;
}
