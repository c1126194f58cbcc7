// A real OAuth 2.0 server (@node-oauth/oauth2-server) over real HTTP on 127.0.0.1, for
// integration tests: password and refresh_token grants, refresh-token rotation, reuse of a
// spent refresh token revoking the whole family, a deny-list, and a bearer-protected resource.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import OAuth2Server from '@node-oauth/oauth2-server';
import { jwtVerify, SignJWT } from 'jose';
import { vi } from 'vitest';
import type { RefreshApiCallback, RefreshApiResult } from 'redux-auth-kit';

export interface OAuthServerOptions {
  /** Access-token lifetime in seconds. Default 60. */
  accessTokenLifetime?: number;
  /** Refresh-token lifetime in seconds. Default 3600. */
  refreshTokenLifetime?: number;
  /**
   * `'jwt'` (default): HS256 JWTs carrying `iat` and `exp`, as the library reads them;
   * `'opaque'`: random strings, their lifetime only in `expires_in`.
   */
  accessTokens?: 'jwt' | 'opaque';
}

/** The token endpoint's success body (RFC 6749 §5.1), plus the refresh token's lifetime. */
export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in?: number;
  refresh_token?: string;
  /** Seconds the refresh token lives (an extended attribute, as some servers send). */
  refresh_token_expires_in?: number;
}

/** What the next refresh_token grant requests meet, in order. */
export type TokenHook =
  /** Answer 500 without processing the request. */
  | { kind: 'error' }
  /** Never answer (until `releaseHung()` or `close()`), without processing the request. */
  | { kind: 'hang' }
  /** Process the request at once (the refresh token is rotated), answer after `ms` (a timer: fake under fake timers). */
  | { kind: 'slow'; ms: number };

interface User {
  id: string;
  username: string;
}

interface Client {
  id: string;
  grants: string[];
}

interface AccessRecord {
  accessToken: string;
  accessTokenExpiresAt: Date;
  family: string;
  client: Client;
  user: User;
}

interface RefreshRecord {
  refreshToken: string;
  refreshTokenExpiresAt: Date;
  family: string;
  status: 'current' | 'spent';
  client: Client;
  user: User;
}

/** The user and public client every test signs in with. */
export const OAUTH_USER = { username: 'alice', password: 'wonderland' } as const;
export const OAUTH_CLIENT_ID = 'spa';

const CALL_HEADER = 'x-test-call';

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });

/**
 * Starts the server. Every request the tests make goes through {@link OAuthTestServer.fetch},
 * which tags it so {@link OAuthTestServer.quiet} can tell when the network has settled: every
 * request answered or parked by a hook. Under fake timers, drive time with
 * {@link OAuthTestServer.advance}, which lets real I/O finish between timer steps.
 */
export async function startOAuthServer(options: OAuthServerOptions = {}) {
  const accessTokenLifetime = options.accessTokenLifetime ?? 60;
  const refreshTokenLifetime = options.refreshTokenLifetime ?? 3600;
  const secret = new TextEncoder().encode(`oauth-test-secret-${randomUUID()}`);
  const client: Client = { id: OAUTH_CLIENT_ID, grants: ['password', 'refresh_token'] };
  const alice: User = { id: 'user-alice', username: OAUTH_USER.username };

  const accessTokens = new Map<string, AccessRecord>();
  const refreshTokens = new Map<string, RefreshRecord>();
  const revokedFamilies = new Set<string>();
  /** Tokens revoked before their expiry: the resource refuses them, the token endpoint too. */
  const denyList = new Set<string>();
  /** Every refresh token presented to the token endpoint, with how often. */
  const presented = new Map<string, number>();
  /** Refresh tokens issued, in order, with their family. */
  const issued: Array<{ refreshToken: string; family: string }> = [];
  const counters = {
    passwordGrants: 0,
    refreshGrants: 0,
    rotations: 0,
    reuseDetections: 0,
    rejectedGrants: 0,
    serverErrors: 0,
    resourceRequests: 0,
    resourceRejections: 0,
  };
  let families = 0;
  // The family a grant belongs to, from getRefreshToken to saveToken of one request. The
  // library hands the model's user object through, so it carries the family.
  type FamilyUser = User & { family?: string };

  const revokeFamily = (family: string): void => {
    revokedFamilies.add(family);
    for (const record of accessTokens.values())
      if (record.family === family) denyList.add(record.accessToken);
    for (const record of refreshTokens.values())
      if (record.family === family) denyList.add(record.refreshToken);
  };

  const model: OAuth2Server.PasswordModel & OAuth2Server.RefreshTokenModel = {
    async getClient(clientId: string) {
      return clientId === client.id ? client : false;
    },
    async getUser(username: string, password: string) {
      return username === OAUTH_USER.username && password === OAUTH_USER.password ? { ...alice } : false;
    },
    async generateAccessToken(_client: Client, user: User) {
      if (options.accessTokens === 'opaque') return `at-${randomUUID()}`;
      const iat = Math.floor(Date.now() / 1000);
      return new SignJWT({ sub: user.id, jti: randomUUID() })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuedAt(iat)
        .setExpirationTime(iat + accessTokenLifetime)
        .sign(secret);
    },
    async generateRefreshToken() {
      return `rt-${randomUUID()}`;
    },
    async saveToken(token: OAuth2Server.Token, tokenClient: OAuth2Server.Client, user: OAuth2Server.User) {
      // Both grants issue both tokens with their expiries (rotation is on).
      const { accessToken, accessTokenExpiresAt, refreshToken, refreshTokenExpiresAt } = token as Required<
        Pick<
          OAuth2Server.Token,
          'accessToken' | 'accessTokenExpiresAt' | 'refreshToken' | 'refreshTokenExpiresAt'
        >
      >;
      const family = (user as FamilyUser).family ?? `family-${++families}`;
      const owner: User = { id: user.id as string, username: user.username as string };
      const issuedTo = tokenClient as Client;
      accessTokens.set(accessToken, {
        accessToken,
        accessTokenExpiresAt,
        family,
        client: issuedTo,
        user: owner,
      });
      refreshTokens.set(refreshToken, {
        refreshToken,
        refreshTokenExpiresAt,
        family,
        status: 'current',
        client: issuedTo,
        user: owner,
      });
      issued.push({ refreshToken, family });
      return { ...token, client: tokenClient, user: owner, refresh_token_expires_in: refreshTokenLifetime };
    },
    async getAccessToken(accessToken: string) {
      const record = accessTokens.get(accessToken);
      if (!record || denyList.has(accessToken) || revokedFamilies.has(record.family)) return false;
      if (options.accessTokens !== 'opaque') {
        try {
          await jwtVerify(accessToken, secret);
        } catch {
          return false;
        }
      }
      return { accessToken, accessTokenExpiresAt: record.accessTokenExpiresAt, client, user: record.user };
    },
    async getRefreshToken(refreshToken: string) {
      presented.set(refreshToken, (presented.get(refreshToken) ?? 0) + 1);
      const record = refreshTokens.get(refreshToken);
      if (!record || denyList.has(refreshToken) || revokedFamilies.has(record.family)) return false;
      if (record.status === 'spent') {
        // Reuse of a rotated token: treated as theft, the whole family is revoked.
        counters.reuseDetections += 1;
        revokeFamily(record.family);
        return false;
      }
      const user: FamilyUser = { ...record.user, family: record.family };
      return {
        refreshToken,
        refreshTokenExpiresAt: record.refreshTokenExpiresAt,
        client: record.client,
        user,
      };
    },
    async revokeToken(token: { refreshToken: string }) {
      const record = refreshTokens.get(token.refreshToken);
      if (!record) return false;
      if (record.status === 'spent') {
        // Two requests with the same token passed getRefreshToken together: the second is reuse.
        counters.reuseDetections += 1;
        revokeFamily(record.family);
        return false;
      }
      record.status = 'spent';
      counters.rotations += 1;
      return true;
    },
  };

  const oauth = new OAuth2Server({
    model,
    accessTokenLifetime,
    refreshTokenLifetime,
    allowExtendedTokenAttributes: true,
    // A browser app is a public client: no secret.
    requireClientAuthentication: { password: false, refresh_token: false },
  });

  const hooks: TokenHook[] = [];
  /** Calls (by tag) parked by a hook: hung, or waiting to answer slowly. */
  const parked = new Set<string>();
  const hung: Array<() => void> = [];
  /** Calls sent through `fetch` and not yet settled on the client side. */
  const outstanding = new Set<string>();
  let calls = 0;

  const send = (
    res: ServerResponse,
    status: number,
    headers: Record<string, string>,
    body: unknown,
  ): void => {
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(status, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify(body));
  };

  async function token(req: IncomingMessage, res: ServerResponse, call: string, raw: string): Promise<void> {
    const body = Object.fromEntries(new URLSearchParams(raw));
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const request = new OAuth2Server.Request({
      headers: req.headers as Record<string, string>,
      method: req.method ?? 'GET',
      query: Object.fromEntries(url.searchParams),
      body,
    });
    const response = new OAuth2Server.Response({ headers: {} });
    const isRefresh = body.grant_type === 'refresh_token';
    if (isRefresh) counters.refreshGrants += 1;
    else if (body.grant_type === 'password') counters.passwordGrants += 1;
    const hook = isRefresh ? hooks.shift() : undefined;
    if (hook?.kind === 'error') {
      counters.serverErrors += 1;
      return send(res, 500, {}, { error: 'server_error', error_description: 'test hook' });
    }
    if (hook?.kind === 'hang') {
      parked.add(call);
      hung.push(() => send(res, 500, {}, { error: 'server_error', error_description: 'released' }));
      return;
    }
    try {
      await oauth.token(request, response);
    } catch {
      if (isRefresh) counters.rejectedGrants += 1;
    }
    const answer = (): void => send(res, response.status ?? 500, response.headers ?? {}, response.body);
    if (hook?.kind === 'slow') {
      // Rotated already; the answer is late.
      parked.add(call);
      setTimeout(() => {
        parked.delete(call);
        answer();
      }, hook.ms);
      return;
    }
    answer();
  }

  async function resource(req: IncomingMessage, res: ServerResponse): Promise<void> {
    counters.resourceRequests += 1;
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const request = new OAuth2Server.Request({
      headers: req.headers as Record<string, string>,
      method: req.method ?? 'GET',
      query: Object.fromEntries(url.searchParams),
      body: {},
    });
    const response = new OAuth2Server.Response({ headers: {} });
    try {
      const granted = await oauth.authenticate(request, response);
      send(res, 200, {}, { user: (granted.user as User).username });
    } catch (error) {
      counters.resourceRejections += 1;
      const status = (error as { code?: number }).code ?? 500;
      send(res, status, response.headers ?? {}, { error: (error as Error).name });
    }
  }

  const http = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      const call = String(req.headers[CALL_HEADER] ?? `untagged-${++calls}`);
      const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
      if (req.method === 'POST' && path === '/oauth/token') return token(req, res, call, raw);
      if (path === '/api/me') return resource(req, res);
      send(res, 404, {}, { error: 'not_found' });
    })();
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  // Captured now: under fake timers only setTimeout/setInterval/Date are replaced.
  const realImmediate = globalThis.setImmediate;
  const tick = (): Promise<void> => new Promise((resolve) => realImmediate(resolve));

  /** `fetch` against this server, tagged so `quiet()` knows when it has settled. */
  const tracked: typeof fetch = async (input, init) => {
    const call = `call-${++calls}`;
    outstanding.add(call);
    try {
      const target = typeof input === 'string' && input.startsWith('/') ? `${url}${input}` : input;
      // fetchBaseQuery passes a Request: its headers are kept, the tag added.
      const request = new Request(target, init);
      request.headers.set(CALL_HEADER, call);
      const response = await fetch(request);
      // The body too, so a test that reads it is not cut short: a clone keeps it readable.
      await response.clone().arrayBuffer();
      return response;
    } finally {
      outstanding.delete(call);
    }
  };

  const server = {
    url,
    tokenUrl: `${url}/oauth/token`,
    resourceUrl: `${url}/api/me`,
    accessTokenLifetime,
    refreshTokenLifetime,
    counters,
    presented,
    issued,
    fetch: tracked,
    /** The next refresh_token grant requests meet these hooks, in order. */
    hook(...next: TokenHook[]): void {
      hooks.push(...next);
    },
    /** Answers every hung request with a 500. */
    releaseHung(): void {
      parked.clear();
      hung.splice(0).forEach((answer) => answer());
    },
    /** The password grant, over HTTP: the tokens a sign-in form would get. */
    async login(user: { username: string; password: string } = OAUTH_USER): Promise<TokenResponse> {
      const res = await tracked(`${url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'password', client_id: client.id, ...user }).toString(),
      });
      if (!res.ok) throw new Error(`login answered ${res.status}`);
      return (await res.json()) as TokenResponse;
    },
    /** The family a refresh token belongs to. */
    familyOf(refreshToken: string): string | undefined {
      return refreshTokens.get(refreshToken)?.family;
    },
    /** The family's live refresh token, or `null` once revoked or unknown. */
    current(family: string): string | null {
      if (revokedFamilies.has(family)) return null;
      const live = issued.filter(
        (t) => t.family === family && refreshTokens.get(t.refreshToken)?.status === 'current',
      );
      return live.at(-1)?.refreshToken ?? null;
    },
    /** Deny-lists one access token: the resource refuses it from now on (the family lives on). */
    revokeAccessToken(accessToken: string): void {
      denyList.add(accessToken);
    },
    /** Revokes a family (a password change, an admin), deny-listing its access and refresh tokens. */
    revoke(family: string): void {
      revokeFamily(family);
    },
    /** Refresh tokens presented more than once. */
    sentTwice: (): string[] => [...presented].filter(([, n]) => n > 1).map(([t]) => t),
    /** Resolves (in real time) once every request sent through `fetch` has settled or is parked by a hook. */
    async quiet(limitMs = 5_000): Promise<void> {
      const started = performance.now();
      for (;;) {
        await tick();
        if ([...outstanding].every((call) => parked.has(call))) {
          // One more turn: a settled request's continuation may start the next one.
          await tick();
          if ([...outstanding].every((call) => parked.has(call))) return;
        }
        if (performance.now() - started > limitMs) {
          throw new Error(
            `network not quiet after ${limitMs} ms: ${outstanding.size} request(s) outstanding`,
          );
        }
      }
    },
    /**
     * Moves fake time on by `ms` in steps of `step` ms, letting real I/O settle before and
     * after every step, so a request never sees more fake time pass than its steps.
     */
    async advance(ms: number, step = 100): Promise<void> {
      await server.quiet();
      for (let left = ms; left > 0; left -= step) {
        await vi.advanceTimersByTimeAsync(Math.min(step, left));
        await server.quiet();
      }
    },
    async close(): Promise<void> {
      hooks.length = 0;
      server.releaseHung();
      http.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        http.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
  return server;
}

export type OAuthTestServer = Awaited<ReturnType<typeof startOAuthServer>>;

/**
 * The app's `refreshApiCallback` against the server's token endpoint, with real `fetch` and
 * the library's `signal` passed to it, as the README's example does: `invalid_grant` (or a 401)
 * is a rejection; any other failure (a 500, a refused connection, an abort) is thrown.
 */
export function oauthRefresh(server: OAuthTestServer): RefreshApiCallback {
  return async ({ refreshToken, signal }): Promise<RefreshApiResult> => {
    const res = await server.fetch(server.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: OAUTH_CLIENT_ID,
        refresh_token: refreshToken ?? '',
      }).toString(),
      signal,
    });
    const body = (await res.json()) as Partial<TokenResponse> & { error?: string };
    if (res.status === 401 || (res.status === 400 && body.error === 'invalid_grant'))
      return { isSuccess: false };
    if (!res.ok) throw new Error(`token endpoint answered ${res.status}`);
    return {
      isSuccess: true,
      newAuthToken: body.access_token!,
      ...(body.token_type !== undefined && { newAuthTokenType: body.token_type }),
      ...(body.refresh_token !== undefined && { newRefreshToken: body.refresh_token }),
      ...(body.refresh_token_expires_in !== undefined && {
        newRefreshTokenExpiresIn: body.refresh_token_expires_in,
      }),
      // Opaque tokens carry their lifetime only here; for JWTs the library reads exp − iat.
      ...(body.expires_in !== undefined &&
        !body.access_token!.includes('.') && {
          newAuthTokenExpireIn: body.expires_in,
        }),
    };
  };
}

/** The `signIn` payload for a token response. */
export const signInPayload = (tokens: TokenResponse) => ({
  auth: {
    token: tokens.access_token,
    type: tokens.token_type,
    ...(tokens.expires_in !== undefined &&
      !tokens.access_token.includes('.') && { expiresIn: tokens.expires_in }),
  },
  ...(tokens.refresh_token !== undefined && { refresh: tokens.refresh_token }),
  ...(tokens.refresh_token_expires_in !== undefined && { refreshExpiresIn: tokens.refresh_token_expires_in }),
});
