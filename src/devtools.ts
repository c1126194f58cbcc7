import type { Action, DevToolsEnhancerOptions } from '@reduxjs/toolkit';

/** What a redacted token reads as in DevTools. */
export const REDACTED = '[redacted]';

// Keys that hold tokens in our state, actions and callback shapes: redacted whatever their value looks like.
// Exactly: token, refresh, refreshToken, authToken, newAuthToken, newRefreshToken.
const SECRET_KEY = /^(token|refresh(Token)?|authToken|new(Auth|Refresh)Token)$/;
// A JWT's header is base64url JSON, so it always starts with `eyJ`: find one anywhere in a string
// ("Bearer eyJ…", an error message) without mistaking "api.example.com" for a token.
const JWT_ANYWHERE = /eyJ[\w-]*\.[\w-]+\.[\w-]*/g;

/**
 * `value` (found under `key`) with its tokens redacted, copying objects and arrays
 * down to `depth` 32 (deeper ones, and cycles past that, are left as they are).
 */
function redact(value: unknown, key: string, depth: number): unknown {
  if (typeof value === 'string')
    return SECRET_KEY.test(key) ? REDACTED : value.replace(JWT_ANYWHERE, REDACTED);
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

/** The identity: what runs where the app gave no sanitizer or replacer of its own. */
const same = <T>(value: T): T => value;

/**
 * Your DevTools options with token redaction applied on top: your own
 * sanitizers and replacer still run, and their output is redacted.
 */
export function withAuthRedaction(options: DevToolsEnhancerOptions = {}): DevToolsEnhancerOptions {
  const { actionSanitizer = same, stateSanitizer = same, serialize } = options;
  const own = typeof serialize === 'object' ? serialize : {};
  const { replacer = (_key: string, value: unknown) => value } = own;
  return {
    ...options,
    actionSanitizer: (action, id) => redactTokens(actionSanitizer(action, id)),
    stateSanitizer: (state, index) => redactTokens(stateSanitizer(state, index)),
    serialize: {
      ...own,
      // JSON.stringify walks the value itself: redact this level only (a depth past the bound).
      replacer: (key: string, value: unknown) => redact(replacer(key, value), key, 33),
    },
  };
}

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
export const authDevToolsOptions = /* @__PURE__ */ withAuthRedaction() as {
  /** Returns a copy of an action with its tokens redacted, for display. */
  actionSanitizer: <A extends Action>(action: A) => A;
  /** Returns a copy of a state with its tokens redacted, for display. */
  stateSanitizer: <S>(state: S) => S;
  /** For DevTools' export and persistence, which serialize the history themselves. */
  serialize: {
    /** A `JSON.stringify` replacer that redacts tokens. */
    replacer: (key: string, value: unknown) => unknown;
  };
};
