import type { Action, DevToolsEnhancerOptions } from '@reduxjs/toolkit';

/** What a redacted token reads as in DevTools. */
export const REDACTED = '[redacted]';

// Keys that hold tokens in our state, actions and callback shapes: redacted whatever their value looks like.
const SECRET_KEYS = new Set([
  'token',
  'refreshToken',
  'authToken',
  'newAuthToken',
  'newRefreshToken',
  'refresh',
]);
// A JWT's header is base64url JSON, so it always starts with `eyJ`: find one anywhere in a string
// ("Bearer eyJ…", an error message) without mistaking "api.example.com" for a token.
const JWT_ANYWHERE = /eyJ[\w-]*\.[\w-]+\.[\w-]*/g;

function redactString(key: string, value: string): string {
  return SECRET_KEYS.has(key) ? REDACTED : value.replace(JWT_ANYWHERE, REDACTED);
}

function redact(value: unknown, key: string, depth: number): unknown {
  if (typeof value === 'string') return redactString(key, value);
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

type Replacer = (key: string, value: unknown) => unknown;

const redactingReplacer: Replacer = (key, value) =>
  typeof value === 'string' ? redactString(key, value) : value;

/**
 * Options for `configureStore({ devTools })` that keep tokens out of Redux
 * DevTools: actions and states are sanitized before display, and the
 * serializer used for export and persistence redacts too.
 *
 * @example
 * ```ts
 * configureStore({ reducer, devTools: withAuthRedaction({ name: 'my app' }) });
 * ```
 */
export const authDevToolsOptions = {
  actionSanitizer: <A extends Action>(action: A): A => redactTokens(action),
  stateSanitizer: <S>(state: S): S => redactTokens(state),
  serialize: { replacer: redactingReplacer },
} satisfies DevToolsEnhancerOptions;

/**
 * Your DevTools options with token redaction applied on top: your own
 * sanitizers and replacer still run, and their output is redacted.
 */
export function withAuthRedaction(options: DevToolsEnhancerOptions = {}): DevToolsEnhancerOptions {
  const { actionSanitizer, stateSanitizer, serialize } = options;
  const own = typeof serialize === 'object' ? serialize : {};
  const ownReplacer = own.replacer;
  return {
    ...options,
    actionSanitizer: <A extends Action>(action: A, id: number): A =>
      redactTokens(actionSanitizer ? actionSanitizer(action, id) : action),
    stateSanitizer: <S>(state: S, index: number): S =>
      redactTokens(stateSanitizer ? stateSanitizer(state, index) : state),
    serialize: {
      ...own,
      replacer: (key: string, value: unknown) =>
        redactingReplacer(key, ownReplacer ? ownReplacer(key, value) : value),
    },
  };
}
