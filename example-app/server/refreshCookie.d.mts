import type { IncomingMessage } from 'node:http';

/** The name of secure mode's refresh-token cookie (`HttpOnly; SameSite=Strict; Path=/auth`, `Secure` on https). */
export const REFRESH_COOKIE: string;
/** Its `Path`: the prefix of every route that reads it. */
export const REFRESH_COOKIE_PATH: string;

/** The `Set-Cookie` value that stores `token` for `maxAge` seconds. */
export function refreshCookie(token: string, options: { maxAge: number; secure: boolean }): string;
/** The `Set-Cookie` value that removes the cookie. */
export function clearedRefreshCookie(options: { secure: boolean }): string;
/** The refresh token the request's `Cookie` header carries, or `null`. */
export function readRefreshCookie(req: IncomingMessage): string | null;
