import type { AuthType } from './types';

/** Where the demo remembers which storage the session lives in. Not a secret. */
export const STORAGE_PREFERENCE_KEY = 'lumen-demo:auth-storage';

const isAuthType = (value: unknown): value is AuthType => value === 'cookie' || value === 'localstorage';

/**
 * The storage chosen for the session: `?storage=cookie|localstorage` in the
 * URL (remembered, then removed from the address bar), else the remembered
 * choice, else cookies — React Auth Kit's default.
 */
export function readStoragePreference(): AuthType {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('storage');
  if (isAuthType(fromUrl)) {
    writeStoragePreference(fromUrl);
    url.searchParams.delete('storage');
    window.history.replaceState(null, '', url);
    return fromUrl;
  }
  return storedPreference();
}

/** The remembered choice; cookies when there is none or storage is disabled. */
export function storedPreference(): AuthType {
  try {
    const stored = window.localStorage.getItem(STORAGE_PREFERENCE_KEY);
    return isAuthType(stored) ? stored : 'cookie';
  } catch {
    return 'cookie';
  }
}

export function writeStoragePreference(type: AuthType): void {
  try {
    window.localStorage.setItem(STORAGE_PREFERENCE_KEY, type);
  } catch {
    // Storage disabled: the choice lasts until the next reload.
  }
}
