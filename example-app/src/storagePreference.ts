import type { AuthType } from './types';

/** Where the demo remembers which storage the session lives in. Not a secret. */
export const STORAGE_PREFERENCE_KEY = 'lumen-demo:auth-storage';

const isAuthType = (value: unknown): value is AuthType =>
  value === 'cookie' || value === 'localstorage' || value === 'memory';

/**
 * The storage chosen for the session: `?storage=cookie|localstorage|memory` in the
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

/** Where the tab keeps a one-time notice for the sign-in form across the reload of a switch. Not a secret. */
const NOTICE_KEY = 'lumen-demo:left-secure-mode';

/** Leaving secure mode signed this tab out: the sign-in form after the reload says why. */
export function noteLeftSecureMode(): void {
  try {
    window.sessionStorage.setItem(NOTICE_KEY, '1');
  } catch {
    // Storage disabled: the form shows no notice.
  }
}

/** Whether the reload follows a switch out of secure mode that signed this tab out; reads it once. */
export function takeLeftSecureModeNotice(): boolean {
  try {
    const noted = window.sessionStorage.getItem(NOTICE_KEY) !== null;
    window.sessionStorage.removeItem(NOTICE_KEY);
    return noted;
  } catch {
    return false;
  }
}
