import type { Action, DevToolsEnhancerOptions } from '@reduxjs/toolkit';

/** What a redacted token reads as in DevTools. */
export const REDACTED = '[redacted]';

// Keys that hold tokens in our state, actions and callback shapes.
const SECRET_KEYS = new Set(['token', 'refreshToken', 'authToken', 'newAuthToken', 'newRefreshToken', 'refresh']);
// Any JWT-shaped string is a secret wherever it sits (an app's own slice, an error payload).
const JWT_SHAPE = /^[\w-]{2,}\.[\w-]{2,}\.[\w-]*$/;

const isSecret = (key: string, value: string): boolean => SECRET_KEYS.has(key) || JWT_SHAPE.test(value);

function redact(value: unknown, key: string, depth: number): unknown {
  if (typeof value === 'string') return isSecret(key, value) ? REDACTED : value;
  if (typeof value !== 'object' || value === null || depth > 32) return value;
  if (Array.isArray(value)) return value.map((item) => redact(item, '', depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redact(v, k, depth + 1);
  return out;
}

/** A deep copy of `value` with every token replaced by `'[redacted]'`. */
export function redactTokens<T>(value: T): T {
  return redact(value, '', 0) as T;
}

/**
 * Options for `configureStore({ devTools })` that keep tokens out of Redux
 * DevTools: actions and states are sanitized before display, and the
 * serializer used for export and persistence redacts too.
 *
 * @example
 * ```ts
 * configureStore({ reducer, devTools: { ...authDevToolsOptions, name: 'my app' } });
 * ```
 */
export const authDevToolsOptions = {
  actionSanitizer: <A extends Action>(action: A): A => redactTokens(action),
  stateSanitizer: <S>(state: S): S => redactTokens(state),
  serialize: {
    replacer: (key: string, value: unknown): unknown =>
      typeof value === 'string' && isSecret(key, value) ? REDACTED : value,
  },
} satisfies DevToolsEnhancerOptions;
