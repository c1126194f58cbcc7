import type { AuthType } from './types';

/** How the app names each place a session can live, in the UI and the log. */
export interface ModeText {
  /** The storage switch's button. */
  label: string;
  /** The session card's "Stored in": what is kept where. */
  storedIn: string;
  /** The refresh log's restore entry: "Session restored from …". */
  restoredFrom: string;
}

export const MODES: Record<AuthType, ModeText> = {
  cookie: { label: 'Cookie', storedIn: 'Cookie', restoredFrom: 'a cookie' },
  localstorage: { label: 'localStorage', storedIn: 'localStorage', restoredFrom: 'localStorage' },
  // Secure mode: no token anywhere a page script can read; localStorage holds only the hint that a
  // session may exist.
  memory: {
    label: 'HttpOnly',
    storedIn: 'Refresh token: HttpOnly cookie, access token in memory',
    restoredFrom: 'the HttpOnly refresh cookie',
  },
};

/** The switch's order, left to right. */
export const MODE_ORDER: AuthType[] = ['cookie', 'localstorage', 'memory'];
