// The CSRF check of the routes that read the refresh cookie (everything under /auth/).
//
// A browser attaches the cookie by itself, so any page the user visits could make it POST to
// /auth/refresh; this server never answers that page cross-origin (no CORS headers), but a
// rotated cookie would still land and /auth/logout or /auth/login would still act. So a request
// must pass both checks:
//
// 1. `Origin` is this server's own origin (scheme, host and port of the request's `Host`).
//    Browsers send `Origin` with every POST, fetch and form alike. SameSite=Strict alone does not
//    do this job: "same site" ignores the port (and subdomains), and Chromium sends a Strict cookie
//    with a no-cors POST from http://127.0.0.1:<any other port> (measured) — any other local app
//    could spend the token. A missing or `null` Origin is refused too.
// 2. An `X-Requested-With` header (any value). A cross-origin page can add a custom header only
//    after a CORS preflight, which this server never approves: the browser then sends nothing
//    (measured: only the OPTIONS request arrives, without the cookie). This one holds even where
//    an Origin comparison is misconfigured, for example behind a proxy that rewrites `Host`.
//
// Either would stop the attacks above; they fail in different ways, and each costs one line.
// The routes that take the refresh token in the body (/refresh, /logout) need neither: a forged
// request there has no token to send.

/** The header the app sends with every cookie route's request. */
export const CSRF_HEADER = 'X-Requested-With';

/**
 * Why `req` must be refused (403), or `null` when it passes.
 *
 * @param {import('node:http').IncomingMessage} req
 * @param {'http' | 'https'} scheme the scheme this server speaks
 * @returns {{ code: string, message: string } | null}
 */
export function csrfRefusal(req, scheme) {
  const origin = req.headers.origin;
  const own = `${scheme}://${req.headers.host ?? ''}`;
  if (origin !== own) {
    return {
      code: 'bad-origin',
      message: `Origin ${origin === undefined ? '(none)' : JSON.stringify(origin)} is not ${own}`,
    };
  }
  const header = req.headers[CSRF_HEADER.toLowerCase()];
  if (typeof header !== 'string' || header === '') {
    return { code: 'missing-csrf-header', message: `the ${CSRF_HEADER} header is required` };
  }
  return null;
}
