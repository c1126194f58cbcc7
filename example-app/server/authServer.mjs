// The example's auth server: real HTTP on 127.0.0.1, no framework.
//
// - JWTs signed with jose (HS256, a fresh random secret per start).
// - Short-lived access tokens, longer refresh tokens.
// - Rotating refresh tokens with reuse detection: every refresh token belongs to
//   a family; presenting a spent one revokes the whole family.
// - A deny-list: /logout revokes the token's family.
// - Secure mode (the app's `authType: 'memory'`): the routes under /auth/ keep the refresh token
//   in an HttpOnly cookie instead of the response body (see refreshCookie.mjs), behind a CSRF
//   check (see csrf.mjs). /login, /refresh and /logout, which carry it in the body, read no cookie.
// - Counters at GET /__stats (read-only) so people and tests can see exactly
//   what the app did. A call is counted when it is answered, together with
//   everything the answer changed, so a snapshot is never half-way through one.
// - With `testHooks: true` (the browser tests) only: POST /__revoke (all
//   refresh-token families) and POST /__revoke-access (all access tokens issued
//   so far). Off by default: any web page can make a browser POST to
//   127.0.0.1, so state-changing admin routes must not be open in `npm start`.
// - With `staticDir`, it also serves the built app (SPA fallback to index.html),
//   so cookies and fetch are same-origin.
// - With `tls: { key, cert }` it speaks https, and the refresh cookie is `Secure`.

import { randomBytes, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { extname, join, resolve, sep } from 'node:path';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { csrfRefusal } from './csrf.mjs';
import { clearedRefreshCookie, readRefreshCookie, refreshCookie } from './refreshCookie.mjs';

const ISSUER = 'redux-auth-kit-example';
const MAX_BODY_BYTES = 16 * 1024;

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

function displayName(username) {
  const base = username.split('@')[0] ?? username;
  return base
    .split(/[._-]+/)
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join(' ');
}

class HttpError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function sendJson(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

async function readJson(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'too-large', 'request body too large');
    chunks.push(chunk);
  }
  if (size === 0) return {};
  try {
    const value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    return typeof value === 'object' && value !== null ? value : {};
  } catch {
    throw new HttpError(400, 'bad-json', 'request body is not JSON');
  }
}

/**
 * Starts the auth server.
 *
 * @param {import('./authServer.d.mts').AuthServerOptions} [options]
 * @returns {Promise<import('./authServer.d.mts').AuthServer>}
 */
export async function startAuthServer(options = {}) {
  const accessTtl = options.accessTtl ?? 30;
  const refreshTtl = options.refreshTtl ?? 3600;
  const host = options.host ?? '127.0.0.1';
  const staticDir = options.staticDir === undefined ? undefined : resolve(options.staticDir);
  const log = options.log ?? (() => {});
  const testHooks = options.testHooks === true;
  const scheme = options.tls === undefined ? 'http' : 'https';
  /** The refresh cookie is `Secure` exactly when this server speaks https (see refreshCookie.mjs). */
  const cookieOptions = { maxAge: refreshTtl, secure: scheme === 'https' };
  const secret = randomBytes(32);

  /** family id → { user, revoked, revokedBecause } */
  const families = new Map();
  /** refresh-token jti → { family, spent, expiresAt, index } */
  const refreshTokens = new Map();
  /** access-token jti → expiry (epoch ms) of every live access token, and the ones refused before expiry. */
  const liveAccess = new Map();
  const deniedAccess = new Map();
  /** Every token signed, for the in-process `tokens()` only (never over HTTP): tests look for them in the page. */
  const signedTokens = { access: [], refresh: [] };

  const stats = {
    logins: 0,
    /** /refresh calls received and not answered yet (not in the counters below until answered). */
    refreshInFlight: 0,
    refreshCalls: 0,
    refreshSucceeded: 0,
    refreshRejected: 0,
    reuseDetections: 0,
    logouts: 0,
    revocations: 0,
    /** Requests to /auth/* refused by the CSRF check (403); they reach no other counter. */
    csrfRefused: 0,
    apiCalls: 0,
    apiUnauthorized: 0,
    apiExpiredToken: 0,
    /** One entry per answered /refresh call, in the order they were answered. */
    refreshLog: [],
    /** One entry per access token issued, oldest first. */
    issued: [],
    /** One entry per answered /api request: when it arrived, and why it was refused (`null`: served). */
    apiLog: [],
    /** One entry per request the CSRF check refused, and whether it carried the refresh cookie. */
    csrfLog: [],
  };

  const nowSeconds = () => Date.now() / 1000;

  /** Signs a new access/refresh pair. Records nothing: see {@link recordPair}. */
  async function signPair(family, user) {
    const iat = Math.floor(nowSeconds());
    const sign = (claims, jti, ttl) =>
      new SignJWT({ ...claims, fam: family })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(ISSUER)
        .setSubject(user.id)
        .setJti(jti)
        .setIssuedAt(iat)
        .setExpirationTime(iat + ttl)
        .sign(secret);
    const accessJti = randomUUID();
    const refreshJti = randomUUID();
    const accessToken = await sign({ typ: 'access', name: user.name }, accessJti, accessTtl);
    const refreshToken = await sign({ typ: 'refresh' }, refreshJti, refreshTtl);
    return { family, user, iat, accessJti, accessToken, refreshJti, refreshToken };
  }

  /**
   * Makes a signed pair valid and counts it, synchronously: callers update their own
   * counters in the same step, so a stats() snapshot sees all of it or none of it.
   */
  function recordPair({ family, user, iat, accessJti, accessToken, refreshJti, refreshToken }) {
    const accessExp = (iat + accessTtl) * 1000;
    for (const [jti, exp] of liveAccess) if (exp <= Date.now()) liveAccess.delete(jti);
    liveAccess.set(accessJti, accessExp);
    // `index` ties the refresh token to the pair it came with, so the log can say which pair a refresh replaced.
    refreshTokens.set(refreshJti, {
      family,
      spent: false,
      expiresAt: (iat + refreshTtl) * 1000,
      index: stats.issued.length,
    });
    stats.issued.push({ at: Date.now(), family, expiresAt: accessExp });
    signedTokens.access.push(accessToken);
    signedTokens.refresh.push(refreshToken);
    return { accessToken, refreshToken, accessExpiresIn: accessTtl, refreshExpiresIn: refreshTtl, user };
  }

  function revokeFamily(family, because) {
    const entry = families.get(family);
    if (entry === undefined || entry.revoked) return false;
    entry.revoked = true;
    entry.revokedBecause = because;
    stats.revocations += 1;
    return true;
  }

  async function verify(token, typ) {
    const { payload } = await jwtVerify(token, secret, { issuer: ISSUER, algorithms: ['HS256'] });
    if (payload.typ !== typ) throw new HttpError(401, 'wrong-token-type', `not an ${typ} token`);
    return payload;
  }

  // --- routes -------------------------------------------------------------

  /** Checks the credentials in `req`'s body and starts a new token family: its first pair, recorded. */
  async function startSession(req) {
    const body = await readJson(req);
    const username = typeof body.username === 'string' ? body.username.trim() : '';
    const password = typeof body.password === 'string' ? body.password : '';
    if (username === '' || password === '') {
      throw new HttpError(400, 'missing-credentials', 'username and password are required');
    }
    const user = {
      id: username.toLowerCase(),
      name: displayName(username) || username,
      email: username.includes('@') ? username : `${username.toLowerCase()}@example.com`,
    };
    const family = randomUUID();
    const signed = await signPair(family, user);
    families.set(family, { user, revoked: false, revokedBecause: null });
    const pair = recordPair(signed);
    stats.logins += 1;
    log(`login ${user.id}`);
    return pair;
  }

  async function login(req, res) {
    sendJson(res, 200, await startSession(req));
  }

  /**
   * One refresh call, whichever way the refresh token came (`via`, for the log): `readToken`
   * gets it from the request, `answer` sends the rotated pair. A refused token is a 401.
   */
  async function refreshWith(req, res, { via, readToken, answer }) {
    const entry = { at: Date.now(), via, ok: false, reason: null, family: null, replaces: null };
    stats.refreshInFlight += 1;
    // Called in the same synchronous step as the outcome's own counters.
    const answered = () => {
      stats.refreshInFlight -= 1;
      stats.refreshCalls += 1;
      stats.refreshLog.push(entry);
    };
    const reject = (reason, message) => {
      entry.reason = reason;
      throw new HttpError(401, reason, message);
    };
    try {
      const token = await readToken(req);
      if (typeof token !== 'string' || token === '') reject('missing', 'a refresh token is required');
      let payload;
      try {
        payload = await verify(token, 'refresh');
      } catch (error) {
        if (error instanceof joseErrors.JWTExpired) reject('expired', 'refresh token expired');
        reject('invalid', 'refresh token invalid');
      }
      const record = refreshTokens.get(payload.jti);
      const family = families.get(payload.fam);
      if (record === undefined || family === undefined) reject('unknown', 'refresh token unknown');
      entry.family = record.family;
      entry.replaces = record.index;
      if (family.revoked) reject('revoked', `refresh token revoked (${family.revokedBecause})`);
      if (record.spent) {
        // Reuse of a spent token: whoever holds the family is not to be trusted any more.
        stats.reuseDetections += 1;
        revokeFamily(record.family, 'reuse');
        reject('reuse', 'refresh token already used; its family is revoked');
      }
      if (record.expiresAt <= Date.now()) reject('expired', 'refresh token expired');
      // Spent before the signing await: a second call with this token meanwhile is a reuse.
      record.spent = true;
      const pair = recordPair(await signPair(record.family, family.user));
      entry.ok = true;
      stats.refreshSucceeded += 1;
      answered();
      log(`refresh ok ${family.user.id} (${via})`);
      answer(res, pair);
    } catch (error) {
      if (entry.ok) throw error;
      entry.reason ??= error instanceof HttpError ? error.code : 'error';
      stats.refreshRejected += 1;
      answered();
      log(`refresh rejected: ${entry.reason} (${via})`);
      throw error;
    }
  }

  const refresh = (req, res) =>
    refreshWith(req, res, {
      via: 'body',
      readToken: async (r) => (await readJson(r)).refreshToken,
      answer: (r, pair) => sendJson(r, 200, pair),
    });

  /** Revokes the family of `token` (a refresh token) if it is one of ours; a dead or foreign token revokes nothing. */
  async function revokeFamilyOf(token, because) {
    if (typeof token !== 'string' || token === '') return;
    try {
      const payload = await verify(token, 'refresh');
      revokeFamily(payload.fam, because);
    } catch {
      // Signing out with a dead token is fine: there is nothing left to revoke.
    }
  }

  async function logout(req, res) {
    const body = await readJson(req);
    stats.logouts += 1;
    await revokeFamilyOf(body.refreshToken, 'logout');
    res.writeHead(204, { 'cache-control': 'no-store' });
    res.end();
  }

  // --- secure mode: the refresh token in an HttpOnly cookie ------------------

  /** A pair as the cookie routes answer it: the refresh token goes into the cookie, never the body. */
  function sendWithCookie(res, pair) {
    const { refreshToken, ...visible } = pair;
    res.setHeader('set-cookie', refreshCookie(refreshToken, cookieOptions));
    sendJson(res, 200, visible);
  }

  /**
   * `POST /auth/login`: a new session whose refresh token is set as the cookie. A cookie the
   * browser still had belongs to a session this sign-in replaces there: its family is revoked,
   * so a copy of it (or a late rotation of it landing after this answer) is dead.
   */
  async function cookieLogin(req, res) {
    const pair = await startSession(req);
    await revokeFamilyOf(readRefreshCookie(req), 'replaced');
    sendWithCookie(res, pair);
  }

  /**
   * `POST /auth/refresh`: the token comes from the cookie, the rotated one goes back into it.
   * A refusal leaves the cookie alone: `Set-Cookie` would clear whatever the browser holds when
   * the answer lands, which may already be a newer sign-in's cookie. A refused cookie is dead
   * anyway (its family unknown, expired or revoked), and the app ends the session.
   */
  const cookieRefresh = (req, res) =>
    refreshWith(req, res, { via: 'cookie', readToken: readRefreshCookie, answer: sendWithCookie });

  /**
   * `POST /auth/exchange` with `{ refreshToken }`: moves a session from script-readable storage
   * into secure mode. The token from the body is spent like a refresh, and its successor is set
   * as the cookie; the page gets no token back (after the switch it reloads and restores).
   */
  const exchange = (req, res) =>
    refreshWith(req, res, {
      via: 'exchange',
      readToken: async (r) => (await readJson(r)).refreshToken,
      answer: (r, pair) => {
        r.writeHead(204, {
          'set-cookie': refreshCookie(pair.refreshToken, cookieOptions),
          'cache-control': 'no-store',
        });
        r.end();
      },
    });

  /** `POST /auth/logout`: revokes the cookie's family and clears the cookie. */
  async function cookieLogout(req, res) {
    stats.logouts += 1;
    await revokeFamilyOf(readRefreshCookie(req), 'logout');
    res.writeHead(204, { 'set-cookie': clearedRefreshCookie(cookieOptions), 'cache-control': 'no-store' });
    res.end();
  }

  /** The cookie routes, each behind the CSRF check (csrf.mjs). */
  const cookieRoutes = {
    'POST /auth/login': cookieLogin,
    'POST /auth/refresh': cookieRefresh,
    'POST /auth/exchange': exchange,
    'POST /auth/logout': cookieLogout,
  };

  function guarded(route) {
    return async (req, res) => {
      const refusal = csrfRefusal(req, scheme);
      if (refusal !== null) {
        stats.csrfRefused += 1;
        stats.csrfLog.push({
          at: Date.now(),
          route,
          reason: refusal.code,
          withCookie: readRefreshCookie(req) !== null,
        });
        log(`${route} refused: ${refusal.code}`);
        throw new HttpError(403, refusal.code, refusal.message);
      }
      return cookieRoutes[route](req, res);
    };
  }

  async function authorize(req) {
    const entry = { at: Date.now(), refused: null };
    // Counted once decided, in one synchronous step, like /refresh.
    const answered = () => {
      stats.apiCalls += 1;
      if (entry.refused !== null) stats.apiUnauthorized += 1;
      stats.apiLog.push(entry);
    };
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    try {
      if (match === null) throw new HttpError(401, 'missing-token', 'Authorization: Bearer <token> required');
      let claims;
      try {
        claims = await verify(match[1], 'access');
      } catch (error) {
        if (error instanceof joseErrors.JWTExpired) {
          stats.apiExpiredToken += 1;
          throw new HttpError(401, 'token-expired', 'access token expired');
        }
        if (error instanceof HttpError) throw error;
        throw new HttpError(401, 'invalid-token', 'access token invalid');
      }
      if (deniedAccess.has(claims.jti)) throw new HttpError(401, 'token-revoked', 'access token revoked');
      answered();
      return claims;
    } catch (error) {
      entry.refused = error instanceof HttpError ? error.code : 'error';
      answered();
      throw error;
    }
  }

  async function profile(req, res) {
    const claims = await authorize(req);
    const family = families.get(claims.fam);
    const user = family?.user ?? { id: claims.sub, name: claims.name, email: null };
    sendJson(res, 200, {
      user,
      token: { issuedAt: claims.iat * 1000, expiresAt: claims.exp * 1000 },
      serverTime: Date.now(),
      requestsServed: stats.apiCalls,
      projects: [
        { id: 'p1', name: 'Billing migration', status: 'On track', progress: 72 },
        { id: 'p2', name: 'Mobile onboarding', status: 'At risk', progress: 41 },
        { id: 'p3', name: 'Search relevance', status: 'On track', progress: 88 },
      ],
    });
  }

  function publicStats() {
    return {
      ...stats,
      refreshLog: stats.refreshLog.map((e) => ({ ...e })),
      issued: stats.issued.map((e) => ({ ...e })),
      apiLog: stats.apiLog.map((e) => ({ ...e })),
      csrfLog: stats.csrfLog.map((e) => ({ ...e })),
      accessTtl,
      refreshTtl,
      activeFamilies: [...families.values()].filter((f) => !f.revoked).length,
    };
  }

  /** Refuses every access token issued so far (refresh tokens stay valid): the next API call gets a 401. */
  function revokeAccessTokens() {
    for (const [jti, exp] of deniedAccess) if (exp <= Date.now()) deniedAccess.delete(jti);
    for (const [jti, exp] of liveAccess) deniedAccess.set(jti, exp);
    const count = liveAccess.size;
    liveAccess.clear();
    return count;
  }

  function revokeAll() {
    let count = 0;
    for (const id of families.keys()) if (revokeFamily(id, 'admin')) count += 1;
    return count;
  }

  // --- static files ---------------------------------------------------------

  async function serveStatic(req, res, pathname) {
    if (staticDir === undefined) throw new HttpError(404, 'not-found', 'not found');
    let decoded;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      throw new HttpError(400, 'bad-path', 'bad path');
    }
    const file = resolve(join(staticDir, decoded));
    if (file !== staticDir && !file.startsWith(staticDir + sep))
      throw new HttpError(404, 'not-found', 'not found');
    let target = file;
    const info = await stat(target).catch(() => null);
    if (info === null || !info.isFile()) {
      // SPA fallback: paths without a file extension get the app; missing assets get a 404.
      if (extname(decoded) !== '') throw new HttpError(404, 'not-found', 'not found');
      target = join(staticDir, 'index.html');
    }
    const type = CONTENT_TYPES[extname(target)] ?? 'application/octet-stream';
    const immutable = target.startsWith(join(staticDir, 'assets') + sep);
    if (target.endsWith('index.html')) {
      const html = await readFile(target);
      res.writeHead(200, {
        'content-type': type,
        'cache-control': 'no-cache',
        'content-length': html.length,
      });
      res.end(req.method === 'HEAD' ? undefined : html);
      return;
    }
    res.writeHead(200, {
      'content-type': type,
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(target).pipe(res);
  }

  // --- dispatch -------------------------------------------------------------

  async function handle(req, res) {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    const route = `${req.method} ${pathname}`;
    if (Object.hasOwn(cookieRoutes, route)) return guarded(route)(req, res);
    switch (route) {
      case 'POST /login':
        return login(req, res);
      case 'POST /refresh':
        return refresh(req, res);
      case 'POST /logout':
        return logout(req, res);
      case 'GET /api/profile':
        return profile(req, res);
      case 'GET /__stats':
        return sendJson(res, 200, publicStats());
      case 'POST /__revoke':
      case 'POST /__revoke-access':
        // A cross-site form post needs no CORS preflight: these must not exist outside the tests.
        if (!testHooks) throw new HttpError(404, 'not-found', `no such resource: ${route}`);
        return sendJson(res, 200, {
          revoked: route === 'POST /__revoke' ? revokeAll() : revokeAccessTokens(),
        });
      default:
        if (pathname.startsWith('/api/') || pathname.startsWith('/auth/') || pathname.startsWith('/__')) {
          throw new HttpError(404, 'not-found', `no such resource: ${route}`);
        }
        if (req.method === 'GET' || req.method === 'HEAD') return serveStatic(req, res, pathname);
        throw new HttpError(405, 'method-not-allowed', `${req.method} not allowed`);
    }
  }

  const onRequest = (req, res) => {
    handle(req, res).catch((error) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof HttpError) {
        sendJson(res, error.status, { error: error.code, message: error.message });
      } else {
        console.error('[auth-server]', error);
        sendJson(res, 500, { error: 'internal', message: 'internal error' });
      }
    });
  };
  const server =
    options.tls === undefined ? createServer(onRequest) : createHttpsServer(options.tls, onRequest);

  await new Promise((resolvePromise, rejectPromise) => {
    server.once('error', rejectPromise);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', rejectPromise);
      resolvePromise();
    });
  });
  const address = server.address();
  const url = `${scheme}://${host}:${typeof address === 'object' && address !== null ? address.port : options.port}`;

  let closing = null;
  const close = () => {
    closing ??= new Promise((resolvePromise) => {
      server.close(() => resolvePromise());
      server.closeAllConnections();
    });
    return closing;
  };

  const tokens = () => ({ access: [...signedTokens.access], refresh: [...signedTokens.refresh] });

  return { url, close, stats: publicStats, tokens, revokeAll, revokeAccessTokens };
}
