import type { AuthSession } from '../types';
import { isRecord, parseStoredSession } from './validate';

// redux-persist writes one JSON object whose values are themselves JSON:
// `{ "session": "<json>", "_persist": "<json>" }`. Only the session is ours.

/** The raw (unvalidated) session inside a stored value, or `null` when there is none or it is unreadable. */
export function rawStoredSession(value: string | null): Record<string, unknown> | null {
  try {
    // No value parses as '', which is not JSON: it reads as no session.
    const session: unknown = JSON.parse(value ?? '').session;
    const inner: unknown = typeof session === 'string' && JSON.parse(session);
    return isRecord(inner) ? inner : null;
  } catch {
    return null;
  }
}

/** The validated session inside a stored value, or `null`. */
export function decodeStoredSession(value: string | null): AuthSession | null {
  return parseStoredSession(rawStoredSession(value));
}

/** A stored value exactly as redux-persist would write it for this session (default version -1). */
export function encodeStoredSession(session: AuthSession): string {
  return JSON.stringify({
    session: JSON.stringify(session),
    _persist: '{"version":-1,"rehydrated":true}',
  });
}
