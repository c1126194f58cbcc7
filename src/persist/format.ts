import type { AuthSession } from '../types';
import { parseStoredSession } from './validate';

// redux-persist writes one JSON object whose values are themselves JSON:
// `{ "session": "<json>", "_persist": "<json>" }`. Only the session is ours.

/** The validated session inside a stored value, or `null` when there is none or it is unreadable. */
export function decodeStoredSession(value: string | null): AuthSession | null {
  try {
    // No value parses as '', which is not JSON: it reads as no session.
    const session: unknown = JSON.parse(value ?? '').session;
    return parseStoredSession(typeof session === 'string' && JSON.parse(session));
  } catch {
    return null;
  }
}

/** A stored value exactly as redux-persist would write it for this session (default version -1). */
export function encodeStoredSession(session: AuthSession): string {
  return JSON.stringify({
    session: JSON.stringify(session),
    _persist: '{"version":-1,"rehydrated":true}',
  });
}
