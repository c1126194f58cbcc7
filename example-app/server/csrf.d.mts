import type { IncomingMessage } from 'node:http';

/** The custom header every request to a cookie route (`/auth/*`) must carry, with any value. */
export const CSRF_HEADER: string;

/** Why `req` must be refused with a 403 (foreign or missing `Origin`, no custom header), or `null`. */
export function csrfRefusal(
  req: IncomingMessage,
  scheme: 'http' | 'https',
): { code: string; message: string } | null;
