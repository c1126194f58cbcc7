import type { Reducer } from '@reduxjs/toolkit';
import {
  FLUSH,
  PAUSE,
  PERSIST,
  PURGE,
  REGISTER,
  REHYDRATE,
  persistReducer,
  persistStore,
  type PersistConfig,
} from 'redux-persist';
import type { PersistPartial } from 'redux-persist/es/persistReducer';
import { LOG, raise } from '../errors';
import { compareSessions, isNewerSession } from '../session';
import { authReducer } from '../slice';
import { createCookieMarker, markerCookieName } from '../tabs/marker';
import type { AuthSession, AuthState } from '../types';
import { createCookieStorage, type CookieSameSite } from './cookieStorage';
import { decodeStoredSession } from './format';
import { createHintStorage } from './hintStorage';
import { registerAuthStorage } from './registry';
import { createLocalStorage, type AuthStorage } from './storage';

// What we take from redux-persist is imported here, once: each import statement of an
// external package stays in the bundle. `createAuthStore` takes `persistStore` from here,
// and the listener can take `REHYDRATE` (unused exports cost nothing).
export { persistStore, REHYDRATE };

/** redux-persist's actions, which carry functions: list them in `serializableCheck.ignoredActions`. */
export const PERSIST_ACTIONS = [FLUSH, REHYDRATE, PAUSE, PERSIST, PURGE, REGISTER];

/** Where and how the auth state is persisted (React Auth Kit's `createStore` options). */
export interface AuthPersistOptions {
  /** The storage key and cookie name. Default `'_auth'`. */
  authName?: string;
  /**
   * Where the session is kept. Default `'cookie'`. `'memory'` is secure mode: the server keeps the
   * refresh token in an `HttpOnly` cookie, the access token lives only in memory, and only the hint
   * that a session may exist is stored (localStorage, or `storage` when given), so a reload restores
   * the session by a refresh. Otherwise ignored when `storage` is given.
   */
  authType?: 'cookie' | 'localstorage' | 'memory';
  /** Cookie `Domain`; host-only when omitted. */
  cookieDomain?: string;
  /** Cookie `Secure`; default on when the page is served over https. */
  cookieSecure?: boolean;
  /** Cookie `SameSite`; default `'Lax'`. */
  cookieSameSite?: CookieSameSite;
  /** Your own engine instead of cookie or localStorage. */
  storage?: AuthStorage;
  /** Where write failures are reported. Default `console`. */
  logger?: Pick<Console, 'error'>;
}

/** The persisted slice: the auth state plus redux-persist's `_persist` marker. */
export type PersistedAuthState<U = unknown> = AuthState<U> & PersistPartial;

/** The storage key and cookie name when `authName` is not given (as in React Auth Kit). */
export const DEFAULT_AUTH_NAME = '_auth';

/** A cookie lives as long as the session can: until the refresh token (or, without one, the access token) expires. */
function cookieExpiry(value: string): number | null {
  const session = decodeStoredSession(value);
  return session && (session.refreshToken === null ? session.expiresAt : session.refreshExpiresAt);
}

/**
 * The engine for `authType` (or the one given), wrapped so that:
 * - writing a signed-out state removes the key instead, so sign-out leaves no
 *   token and no cookie behind;
 * - an older generation of the same session (or an earlier sign-in) never
 *   overwrites a newer one. Tabs sharing storage each persist what they adopt,
 *   and a throttled background tab's late write would otherwise put a spent
 *   refresh token back;
 * - a removal never erases a session this tab did not know of (read or wrote)
 *   and that was signed in after any it did: a sign-out (or a new tab's first
 *   write of its empty state) must not erase another tab's sign-in;
 * - once closed (the store is torn down) it writes no session more: a pending
 *   write must not put back one another tab has signed out since.
 */
export function createAuthStorage(options: AuthPersistOptions = {}): AuthStorage {
  // Secure mode stores no session, only the hint that one exists: nothing for the guards below to order.
  if (options.storage?.tokensInMemory === true) return options.storage;
  if (options.authType === 'memory') return createHintStorage(options.storage ?? createLocalStorage());
  const cookie = {
    domain: options.cookieDomain,
    secure: options.cookieSecure,
    sameSite: options.cookieSameSite,
  };
  const engine =
    options.storage ??
    (options.authType === 'localstorage'
      ? createLocalStorage()
      : createCookieStorage({ ...cookie, expiresAt: cookieExpiry }));
  // Beside localStorage, the generation marker is a cookie with the auth cookies' attributes.
  const marker =
    engine.marker ??
    (engine.lagsBetweenTabs === true
      ? createCookieMarker(markerCookieName(options.authName ?? DEFAULT_AUTH_NAME), cookie)
      : undefined);
  // Writes run one after another, so each sees what the previous one stored: the cross-tab
  // layer and redux-persist both write a refreshed session, and only the first may reach storage.
  // A failed write is its caller's to handle; the queue itself never rejects, so the next one runs.
  let queue = Promise.resolve();
  const serial = (task: () => Promise<void>): Promise<void> => {
    const run = queue.then(task);
    queue = run.catch(() => {});
    return run;
  };
  /** The newest session this tab read or wrote: what a removal of its may end. */
  let known: AuthSession | null = null;
  const know = (session: AuthSession | null): void => {
    if (session !== null && (known === null || isNewerSession(session, known))) known = session;
  };
  let closed = false;
  const remove = async (key: string): Promise<void> => {
    const stored = decodeStoredSession(await engine.getItem(key));
    const ours =
      stored === null || (known !== null && (stored.id === known.id || compareSessions(stored, known) < 0));
    if (ours) await engine.removeItem(key);
  };
  return {
    lagsBetweenTabs: engine.lagsBetweenTabs === true,
    ...(marker && { marker }),
    getItem: async (key) => {
      const value = await engine.getItem(key);
      know(decodeStoredSession(value));
      return value;
    },
    setItem: (key, value) =>
      serial(async () => {
        const next = decodeStoredSession(value);
        if (next === null) {
          // No token stays behind. Signed out is `"session":"null"`; any other value that does not
          // read back is refused too, so the cross-tab layer does not count it as stored (an empty
          // storage would then read as a sign-out in every tab).
          await remove(key);
          if (JSON.parse(value).session !== 'null') {
            raise('invalid-token', `the session under "${key}" does not read back from storage: not stored.`);
          }
          return;
        }
        // This tab holds `next`: its sign-out may end it. Only what is newer than what is stored is
        // written: never an older generation of the same session, nor an earlier sign-in.
        // Unreadable storage never holds a write back.
        know(next);
        if (closed) return;
        const current = decodeStoredSession(await engine.getItem(key));
        if (current === null || isNewerSession(next, current)) await engine.setItem(key, value);
      }),
    removeItem: (key) => serial(() => remove(key)),
    close: () => {
      closed = true;
    },
  };
}

/**
 * The redux-persist config for the auth slice: only `session` is written, so a
 * refresh costs one write; rehydration is left to the auth listener, which
 * validates what storage held and stamps the time it was read.
 *
 * @param options.storage - The engine the session is written to: {@link createAuthStorage}'s, or your own.
 */
export function authPersistConfig(
  options: AuthPersistOptions & { storage: AuthStorage },
): PersistConfig<AuthState> {
  const { authName: key = DEFAULT_AUTH_NAME, logger = console, storage } = options;
  return {
    key,
    keyPrefix: '',
    storage,
    // Secure mode also keeps `restoring`: redux-persist writes the state once it has rehydrated, and
    // while a reload restores the session by a refresh, the hint must stay for a second reload.
    whitelist: storage.tokensInMemory === true ? ['session', 'restoring'] : ['session'],
    // Our engines answer at once; the default 5 s timeout would only start a stray timer.
    timeout: 0,
    stateReconciler: (_inbound, _original, reduced) => reduced,
    writeFailHandler: (error) => {
      // The stored copy is removed so a reload cannot reuse a spent refresh token.
      logger.error(`${LOG}could not persist "${key}", removed it: ${error.message}`);
      storage.removeItem(key).catch(() => {});
    },
  };
}

/** `authReducer` persisted through `storage` (an engine from {@link createAuthStorage}). */
export const persistAuthTo = (
  options: AuthPersistOptions,
  storage: AuthStorage,
): Reducer<PersistedAuthState> => persistReducer(authPersistConfig({ ...options, storage }), authReducer);

/**
 * `authReducer` wrapped by redux-persist for `authType` `'cookie'` or
 * `'localstorage'`. Mount it at `auth` and add `createAuthListener` (or use
 * `createAuthStore`, which does both).
 */
export function persistAuthReducer<U = unknown>(
  options: AuthPersistOptions = {},
): Reducer<PersistedAuthState<U>> {
  const storage = createAuthStorage(options);
  // A listener created with the same authName finds it, so the short form coordinates tabs too.
  registerAuthStorage(options.authName ?? DEFAULT_AUTH_NAME, storage);
  return persistAuthTo(options, storage) as unknown as Reducer<PersistedAuthState<U>>;
}
