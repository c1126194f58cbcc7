import type { AuthSession } from '../types';
import { parseStoredSession } from './validate';

// redux-persist writes one JSON object whose values are themselves JSON:
// `{ "session": "<json>", "_persist": "<json>" }`. Only the session is ours.

/** The raw (unvalidated) session inside a stored value, or `null` when there is none or it is unreadable. */
export function rawStoredSession(value: string | null): Record<string, unknown> | null {
  if (value === null) return null;
  try {
    const outer = JSON.parse(value) as { session?: unknown };
    const inner: unknown = typeof outer.session === 'string' ? JSON.parse(outer.session) : null;
    return typeof inner === 'object' && inner !== null && !Array.isArray(inner)
      ? (inner as Record<string, unknown>)
      : null;
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
    _persist: JSON.stringify({ version: -1, rehydrated: true }),
  });
}
