import type { GenerationMarker } from '../tabs/options';

/**
 * A redux-persist storage engine. Every method returns a promise: a
 * synchronous engine crashes redux-persist's persistoid.
 */
export interface AuthStorage {
  /** The value stored under `key`, or `null`. */
  getItem(key: string): Promise<string | null>;
  /** Stores `value` under `key`; rejects when it cannot (the caller reports and cleans up). */
  setItem(key: string, value: string): Promise<void>;
  /** Removes `key` and everything stored with it. */
  removeItem(key: string): Promise<void>;
  /**
   * Another tab may read a value from before this tab's latest write (Chromium's
   * localStorage does). Cross-tab refreshes then add a generation-marker cookie
   * that tells the next lock holder to wait for the write.
   */
  readonly lagsBetweenTabs?: boolean;
  /**
   * The generation marker to pair with a storage that lags between tabs
   * (`createAuthStorage` gives localStorage a cookie with the auth cookies'
   * attributes). Default: a cookie named `<authName>.gen`.
   */
  readonly marker?: GenerationMarker;
  /**
   * The session's tokens are never written here (secure mode, `authType: 'memory'`): tabs ask each
   * other for them instead, and refreshes rely on the refresh token in an `HttpOnly` cookie.
   */
  readonly tokensInMemory?: boolean;
  /** Stops writing: the store it belongs to is torn down (`createAuthStorage`'s engines have it). */
  close?(): void;
}

/**
 * `window.localStorage` as an engine. Looks `localStorage` up on every call,
 * so importing and creating it on a server is harmless (reads give `null`,
 * writes are dropped).
 */
export function createLocalStorage(): AuthStorage {
  const area = (): Storage | undefined => {
    try {
      return localStorage;
    } catch {
      // No such global on a server; access throws when storage is disabled
      // (privacy settings, sandboxed iframes).
    }
  };
  return {
    lagsBetweenTabs: true,
    getItem: async (key) => area()?.getItem(key) ?? null,
    setItem: async (key, value) => area()?.setItem(key, value),
    removeItem: async (key) => area()?.removeItem(key),
  };
}
