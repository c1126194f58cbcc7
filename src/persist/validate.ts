import { hasOwn, isJsonValue } from '../json';
import { isFiniteNumber, isTokenString as isToken, MAX_EPOCH_MS } from '../token';
import type { AuthSession } from '../types';

const isTime = (v: unknown): boolean => isFiniteNumber(v) && v >= 0 && v <= MAX_EPOCH_MS;
const isTimeOrNull = (v: unknown): boolean => v === null || isTime(v);

/**
 * What each stored field must hold. The keys are exactly the session's fields
 * (the type makes sure none is forgotten); only they are copied out, so
 * anything else smuggled into storage is dropped.
 */
const FIELDS: Record<keyof AuthSession, (v: unknown) => boolean> = {
  id: (v) => typeof v === 'string' && v !== '',
  generation: (v) => Number.isSafeInteger(v) && (v as number) >= 0,
  token: isToken,
  tokenType: isToken,
  expiresAt: isTimeOrNull,
  receivedAt: isTime,
  startedAt: isTime,
  refreshToken: (v) => v === null || isToken(v),
  refreshExpiresAt: isTimeOrNull,
  // Anything JSON can hold (another tab's message arrives by structured clone, which holds more).
  userState: isJsonValue,
};

/**
 * The stored session if it has exactly the shape we write, else `null`.
 * Storage is user-editable (DevTools, extensions, a bad deploy): nothing read
 * from it is trusted until it passes here. Expiry is judged later, with a time.
 */
export function parseStoredSession<U>(value: unknown): AuthSession<U> | null {
  // Only an object can hold the fields; whatever it is, only the checked fields are copied out.
  if (typeof value !== 'object' || value === null) return null;
  const stored = value as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  let key: keyof AuthSession;
  for (key in FIELDS) {
    // Own fields only: an inherited key (through `__proto__`, say) is not a stored field.
    if (!(hasOwn(stored, key) && FIELDS[key](stored[key]))) return null;
    copy[key] = stored[key];
  }
  // No rule ties `expiresAt` to `receivedAt`: a sign-in accepts a token whose `exp` passed within the
  // clock-skew tolerance, and storage must read back every session the slice can hold.
  return copy as unknown as AuthSession<U>;
}
