import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Middleware, Reducer } from '@reduxjs/toolkit';
import { createRefresh, type RefreshApiCallback } from 'redux-auth-kit';
import { makeStore, uniqueAuthName } from './harness';
import { jwtFor } from './jwt';
import { createMemoryStorage } from './memoryStorage';

/** How `/refresh` answers: new tokens, a rejection (401) or a server error (500). */
export type RefreshMode = 'ok' | 'reject' | 'error';

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  authorization: string | null;
  headers: IncomingHttpHeaders;
}

/**
 * A real HTTP server on 127.0.0.1 for RTK Query tests.
 *
 * - `POST /refresh` with `{ refreshToken }`: in mode `'ok'` (and with the current
 *   refresh token) issues a new access token, invalidating the old one;
 * - `/api/data` (JSON) and `/api/text` (plain-text 401): 200 only for
 *   `Bearer <current token>`, else 401;
 * - `/api/always401`: 401 whatever the token.
 *
 * Every request is recorded on arrival. A held path parks its requests and
 * answers them when released, judged by the state at release time.
 */
export interface TestServer {
  readonly url: string;
  /** The only access token `/api/data` accepts. */
  readonly token: string;
  readonly refreshToken: string;
  refreshMode: RefreshMode;
  readonly requests: readonly RecordedRequest[];
  /** Mints a new access token (an unsigned JWT living an hour); the previous one stops working. */
  issue(): string;
  /** Requests to `path`, optionally only those with this `Authorization` value (`null`: none sent). */
  count(path: string, authorization?: string | null): number;
  /** Parks requests to `path` until {@link TestServer.release}. */
  hold(path: string): void;
  /** Answers the requests parked on `path` and stops holding it. */
  release(path: string): void;
  /** How many requests to `path` are parked. */
  parked(path: string): number;
  /** Resolves once `predicate` holds; re-checked on every request arrival and answer. */
  until(predicate: () => boolean): Promise<void>;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

export async function startTestServer(): Promise<TestServer> {
  let token = jwtFor(3600);
  const refreshToken = `refresh-${token.slice(-12)}`;
  const requests: RecordedRequest[] = [];
  const held = new Map<string, Array<() => void>>();
  const waiters = new Set<() => void>();
  const notify = (): void => waiters.forEach((check) => check());

  async function answer(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    body: string,
  ): Promise<void> {
    const authorized = req.headers.authorization === `Bearer ${token}`;
    switch (path) {
      case '/refresh': {
        let sent: unknown;
        try {
          sent = (JSON.parse(body) as { refreshToken?: unknown }).refreshToken;
        } catch {
          sent = undefined;
        }
        if (server.refreshMode === 'error') return json(res, 500, { error: 'internal' });
        if (server.refreshMode === 'reject' || sent !== refreshToken)
          return json(res, 401, { error: 'invalid refresh token' });
        return json(res, 200, { token: server.issue() });
      }
      case '/api/data':
        return authorized ? json(res, 200, { value: 'secret' }) : json(res, 401, { error: 'unauthorized' });
      case '/api/text':
        if (authorized) return json(res, 200, { value: 'secret' });
        res.writeHead(401, { 'content-type': 'text/plain' }).end('Unauthorized');
        return;
      case '/api/always401':
        return json(res, 401, { error: 'unauthorized' });
      default:
        return json(res, 404, { error: 'not found' });
    }
  }

  const http = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
      const body = await readBody(req);
      requests.push({
        method: req.method ?? 'GET',
        path,
        authorization: req.headers.authorization ?? null,
        headers: req.headers,
      });
      res.on('finish', notify);
      const parked = held.get(path);
      if (parked !== undefined) {
        parked.push(() => void answer(req, res, path, body));
        notify();
        return;
      }
      notify();
      await answer(req, res, path, body);
    })();
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;

  const server: TestServer = {
    url: `http://127.0.0.1:${port}`,
    get token() {
      return token;
    },
    refreshToken,
    refreshMode: 'ok',
    requests,
    issue() {
      token = jwtFor(3600);
      return token;
    },
    count(path, authorization) {
      return requests.filter(
        (r) => r.path === path && (authorization === undefined || r.authorization === authorization),
      ).length;
    },
    hold(path) {
      if (!held.has(path)) held.set(path, []);
    },
    release(path) {
      const parked = held.get(path) ?? [];
      held.delete(path);
      parked.forEach((respond) => respond());
    },
    parked(path) {
      return held.get(path)?.length ?? 0;
    },
    until(predicate) {
      return new Promise<void>((resolve) => {
        const check = (): void => {
          if (!predicate()) return;
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
      });
    },
    close() {
      held.clear();
      http.closeAllConnections();
      return new Promise<void>((resolve, reject) =>
        http.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
  return server;
}

/**
 * The app's refresh call, with real fetch, against the `POST /refresh` of the server at `base`:
 * a 401 is a rejection, any other failure (a 500, a refused connection) network trouble (thrown).
 */
export const fetchRefresh =
  (base: string): RefreshApiCallback =>
  async ({ refreshToken, signal }) => {
    const res = await fetch(`${base}/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken }),
      signal,
    });
    if (res.status === 401) return { isSuccess: false };
    if (!res.ok) throw new Error(`refresh answered ${res.status}`);
    const body = (await res.json()) as { token: string };
    return { isSuccess: true, newAuthToken: body.token };
  };

/** What a store needs of an RTK Query API to mount it. */
interface MountableApi {
  reducerPath: string;
  reducer: Reducer;
  middleware: Middleware;
}

/**
 * A signed-out `makeStore` store over memory storage with `api` mounted (its reducer and
 * middleware, then `middleware`), refreshing through {@link fetchRefresh} against `refreshBase`.
 */
export function makeApiStore(
  api: MountableApi,
  options: { refreshBase: string; retryDelay?: number; middleware?: Middleware[] },
) {
  const { refreshBase, retryDelay, middleware = [] } = options;
  return makeStore({
    authName: uniqueAuthName(),
    storage: createMemoryStorage().storage,
    refresh: createRefresh({
      refreshApiCallback: fetchRefresh(refreshBase),
      ...(retryDelay !== undefined && { retryDelay }),
    }),
    reducer: { [api.reducerPath]: api.reducer },
    middleware: [api.middleware, ...middleware],
  });
}
