import type { BrowserContext, Cookie, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { AuthServer } from '../../example-app/server/authServer.mjs';
import { CSRF_HEADER } from '../../example-app/server/csrf.mjs';
import { REFRESH_COOKIE } from '../../example-app/server/refreshCookie.mjs';
import { AUTH_NAME } from './support';

// Helpers for secure mode (the app's `authType: 'memory'`): the refresh token in the server's
// HttpOnly cookie, the access token in memory, and only a hint in localStorage.

export { REFRESH_COOKIE };

/** The refresh cookie, whatever its path (`context.cookies(url)` would leave out one on /auth). */
export async function refreshCookieOf(context: BrowserContext): Promise<Cookie | undefined> {
  return (await context.cookies()).find((c) => c.name === REFRESH_COOKIE);
}

/** What a page script can read: `document.cookie`, and every key and value of localStorage and sessionStorage. */
export interface ScriptReadable {
  documentCookie: string;
  localStorage: Record<string, string>;
  sessionStorage: Record<string, string>;
}

export function scriptReadable(page: Page): Promise<ScriptReadable> {
  return page.evaluate(() => {
    const entries = (area: Storage): Record<string, string> =>
      Object.fromEntries(Object.keys(area).map((key) => [key, area.getItem(key) ?? '']));
    return {
      documentCookie: document.cookie,
      localStorage: entries(window.localStorage),
      sessionStorage: entries(window.sessionStorage),
    };
  });
}

/** Length of the runs of a token looked for, and how far apart they start: any 24 characters contain one. */
const RUN = 16;
const STEP = 8;

/**
 * Runs of `token` (a JWT) that belong to it alone: every {@link RUN} characters of its payload and
 * of its signature, starting every {@link STEP}, so a copy of any 24 characters of them is found.
 * (The header, `{"alg":"HS256"}`, is the same in every token the server signs.)
 */
function ownRuns(token: string): string[] {
  return token
    .split('.')
    .slice(1)
    .flatMap((part) => {
      const runs: string[] = [];
      for (let at = 0; at + RUN <= part.length; at += STEP) runs.push(part.slice(at, at + RUN));
      return runs;
    });
}

/**
 * Expects that no page script in `pages` can read any part (24 characters or more) of any token
 * the server ever signed, access or refresh, nor the refresh cookie's name.
 */
export async function expectNoTokenReadable(server: AuthServer, pages: Page[]): Promise<void> {
  const { access, refresh } = server.tokens();
  expect(access.length, 'tokens to look for').toBeGreaterThan(0);
  const pieces = [...access, ...refresh].flatMap(ownRuns);
  for (const [i, page] of pages.entries()) {
    const readable = await scriptReadable(page);
    expect(readable.documentCookie, `tab ${i}: document.cookie`).not.toContain(REFRESH_COOKIE);
    const text = JSON.stringify(readable);
    const found = pieces.filter((piece) => text.includes(piece));
    expect(found, `tab ${i}: token pieces readable by page scripts`).toEqual([]);
  }
}

/** The `session` field redux-persist keeps under the app's key in localStorage, parsed; `null` without one. */
export async function storedHint(page: Page): Promise<unknown> {
  const raw = await page.evaluate((key) => localStorage.getItem(key), AUTH_NAME);
  if (raw === null) return null;
  const outer = JSON.parse(raw) as { session?: unknown };
  return typeof outer.session === 'string' ? JSON.parse(outer.session) : outer.session;
}

/** What secure mode stores in the session's place. */
export const HINT = { hint: 'a session may exist' };

/** A POST to one of the server's cookie routes as the app makes it (own Origin, the CSRF header), from Node. */
export function postAsApp(server: AuthServer, path: string, cookie?: string): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: {
      origin: server.url,
      [CSRF_HEADER]: 'test',
      ...(cookie !== undefined && { cookie: `${REFRESH_COOKIE}=${cookie}` }),
    },
  });
}
