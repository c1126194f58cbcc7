import { isFiniteNumber, isTokenString as isToken } from '../token';
import type { AuthSession } from '../types';

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isTime = (v: unknown): v is number => isFiniteNumber(v) && v >= 0;
const isTimeOrNull = (v: unknown): v is number | null => v === null || isTime(v);

/**
 * The stored session if it has exactly the shape we write, else `null`.
 * Storage is user-editable (DevTools, extensions, a bad deploy): nothing read
 * from it is trusted until it passes here. Expiry is judged later, with a time.
 */
export function parseStoredSession<U>(value: unknown): AuthSession<U> | null {
  if (!isObject(value)) return null;
  const s = value;
  const valid =
    typeof s.id === 'string' &&
    s.id.length > 0 &&
    Number.isSafeInteger(s.generation) &&
    (s.generation as number) >= 0 &&
    isToken(s.token) &&
    isToken(s.tokenType) &&
    isTimeOrNull(s.expiresAt) &&
    isTime(s.receivedAt) &&
    isTime(s.startedAt) &&
    (s.expiresAt === null || s.expiresAt > s.receivedAt) &&
    (s.refreshToken === null || isToken(s.refreshToken)) &&
    isTimeOrNull(s.refreshExpiresAt) &&
    'userState' in s;
  if (!valid) return null;
  return {
    id: s.id as string,
    generation: s.generation as number,
    token: s.token as string,
    tokenType: s.tokenType as string,
    expiresAt: s.expiresAt as number | null,
    receivedAt: s.receivedAt as number,
    startedAt: s.startedAt as number,
    refreshToken: s.refreshToken as string | null,
    refreshExpiresAt: s.refreshExpiresAt as number | null,
    userState: (s.userState ?? null) as U | null,
  };
}
