import type { AuthStorage } from './storage';
import { decodeStoredSession } from './format';

/** What secure mode stores in a session's place: that one may exist, nothing of it. */
const HINT = { hint: 'a session may exist' } as const;

/** The stored value of the hint, as redux-persist reads it back: `payload.session` is the hint object. */
const HINT_VALUE = JSON.stringify({ session: JSON.stringify(HINT) });

/** Whether a rehydrated `session` field is secure mode's hint. */
export const isSessionHint = (session: unknown): boolean =>
  (session as { hint?: unknown } | null | undefined)?.hint === HINT.hint;

/**
 * Secure mode's engine (`authType: 'memory'`): of a session written to it, it
 * keeps only the non-secret hint that one exists, in `engine` (localStorage);
 * no token, no user state. Signed out, it removes the hint. A reload that
 * finds the hint restores the session by a refresh: the refresh token is in an
 * `HttpOnly` cookie no script can read, and the access token lived only in memory.
 */
export function createHintStorage(engine: AuthStorage): AuthStorage {
  return {
    tokensInMemory: true,
    getItem: async (key) => ((await engine.getItem(key)) === HINT_VALUE ? HINT_VALUE : null),
    setItem: async (key, value) => {
      // A session, or a restore still under way, keeps the hint; signed out removes it.
      const restoring = (JSON.parse(value) as { restoring?: unknown }).restoring === 'true';
      if (decodeStoredSession(value) === null && !restoring) await engine.removeItem(key);
      else await engine.setItem(key, HINT_VALUE);
    },
    removeItem: (key) => engine.removeItem(key),
  };
}
