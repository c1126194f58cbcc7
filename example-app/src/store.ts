import { createListenerMiddleware, type TypedStartListening } from '@reduxjs/toolkit';
import {
  createAuthStorage,
  createCookieMarker,
  markerCookieName,
  refreshLockName,
  signOut,
} from 'redux-auth-kit';
import { createAuthStore } from 'redux-auth-kit/store';
import { activityReducer, sessionEnded } from './activity';
import { startActivityLog } from './activityLog';
import { api } from './api';
import { MODES } from './modes';
import { createAppRefresh, endCookieSession, exchangeForCookie } from './server';
import {
  noteLeftSecureMode,
  readStoragePreference,
  STORAGE_PREFERENCE_KEY,
  storedPreference,
  takeLeftSecureModeNotice,
  writeStoragePreference,
} from './storagePreference';
import type { AuthType } from './types';

/** The cookie name / localStorage key of the session (React Auth Kit's default); in secure mode, the hint's key. */
export const AUTH_NAME = '_auth';

export const authType: AuthType = readStoragePreference();

/** The refresh options the store runs with: the refresh token in the body, or (secure mode) in the cookie. */
export const refresh = createAppRefresh(authType);

const listener = createListenerMiddleware();

// No type arguments: the user type comes from `refresh`, the slices' types from `reducer`.
export const { store, persistor, auth } = createAuthStore({
  authName: AUTH_NAME,
  authType,
  refresh,
  reducer: { activity: activityReducer, [api.reducerPath]: api.reducer },
  middleware: [listener.middleware, api.middleware],
});

export type RootState = ReturnType<typeof store.getState>;
export type AppDispatch = typeof store.dispatch;
export type AppStore = typeof store;

// RTK 2.0's form of `listener.startListening.withTypes<RootState, AppDispatch>()` (2.1+): the peer range starts at 2.0.
startActivityLog(
  listener.startListening as TypedStartListening<RootState, AppDispatch>,
  MODES[authType].restoredFrom,
);

// A switch out of secure mode signed this tab out before the reload: the sign-in form says why.
if (typeof window !== 'undefined' && takeLeftSecureModeNotice())
  store.dispatch(sessionEnded('left-secure-mode'));

/**
 * The lock the library holds around every refresh, in every tab of this origin
 * (`redux-auth-kit:<authName>`): while a tab holds it, no tab is half-way
 * through rotating the tokens.
 */
const REFRESH_LOCK = refreshLockName(AUTH_NAME);
/** How long a moving tab keeps the lock if its reload does not end the document first. */
const LOCK_HOLD_MAX_MS = 5_000;
/** The generation marker `createAuthStore` keeps in a cookie beside localStorage (`<authName>.gen`). */
const generationMarker = createCookieMarker(markerCookieName(AUTH_NAME));

/** Set once this tab has stopped its session to move it, or to follow another tab that moved it. */
let leaving = false;

/** Resolves once no refresh call is in flight in this tab. */
function refreshSettled(): Promise<void> {
  return new Promise((resolve) => {
    let unsubscribe: () => void = () => {};
    const check = (): boolean => {
      if (store.getState().auth.refresh.status === 'refreshing') return false;
      unsubscribe();
      resolve();
      return true;
    };
    if (!check()) unsubscribe = store.subscribe(check);
  });
}

/**
 * Stops everything in this tab that could use or write the session: the refresh
 * machinery (timers, the cross-tab channel) and redux-persist, whose last queued
 * write lands now rather than after the session has moved. In secure mode there is
 * nothing to write (the hint was written when the session began), and a write could
 * put back a hint the moving tab has just removed.
 */
async function stopSession(): Promise<void> {
  leaving = true;
  auth.dispose();
  persistor.pause();
  if (authType !== 'memory') await persistor.flush();
}

interface StoredOrder {
  id: string;
  startedAt: number;
  generation: number;
  refreshToken: string | null;
}

/** Which session a stored value holds (redux-persist's `{ "session": "<json>", ... }`), or `null`. */
function storedOrder(value: string | null): StoredOrder | null {
  if (value === null) return null;
  try {
    const outer = JSON.parse(value) as { session?: unknown };
    const session: unknown = typeof outer.session === 'string' ? JSON.parse(outer.session) : null;
    if (typeof session !== 'object' || session === null) return null;
    const { id, startedAt, generation, refreshToken } = session as Partial<
      Record<keyof StoredOrder, unknown>
    >;
    return typeof id === 'string' && typeof startedAt === 'number' && typeof generation === 'number'
      ? { id, startedAt, generation, refreshToken: typeof refreshToken === 'string' ? refreshToken : null }
      : null;
  } catch {
    return null;
  }
}

/** Of two stored values, the one with the later sign-in, then the later generation; `a` on a tie. */
function newerStored(a: string | null, b: string | null): string | null {
  const [x, y] = [storedOrder(a), storedOrder(b)];
  if (x === null || y === null) return x === null && y !== null ? b : a;
  return y.startedAt > x.startedAt || (y.startedAt === x.startedAt && y.generation > x.generation) ? b : a;
}

/** Copies the session from this tab's storage to `next`, clears the old one, and records the choice. */
async function moveSession(next: AuthType): Promise<void> {
  const from = createAuthStorage({ authName: AUTH_NAME, authType });
  const to = createAuthStorage({ authName: AUTH_NAME, authType: next });
  // Another tab moved it while this one waited for the lock: only the reload is left to do.
  if (storedPreference() === next) return;
  // Storage holds the newest tokens of all tabs; this tab's own last write may be older, so read first.
  const stored = await from.getItem(AUTH_NAME);
  await stopSession();
  const value = newerStored(stored, await from.getItem(AUTH_NAME));
  // Signed out here means signed out there too: nothing older may be left waiting in `to`.
  if (value !== null && storedOrder(value) !== null) await to.setItem(AUTH_NAME, value);
  else await to.removeItem(AUTH_NAME);
  await from.removeItem(AUTH_NAME);
  // A marker left from an earlier localStorage period would name a generation storage has moved past.
  generationMarker.write(null);
  // Last: the other tabs follow as soon as they see the new choice (below).
  writeStoragePreference(next);
}

/**
 * Switches into secure mode: the stored session's refresh token goes to the server, which spends
 * it and sets its successor as the `HttpOnly` cookie; storage keeps only the hint that a session
 * may exist, and after the reload the library restores the session with one refresh. When the
 * server cannot be reached nothing is moved, and the reload brings this tab back as it was.
 */
async function enterSecureMode(): Promise<void> {
  const from = createAuthStorage({ authName: AUTH_NAME, authType });
  if (storedPreference() === 'memory') return;
  // Storage holds the newest tokens of all tabs; this tab's own last write may be newer still.
  const stored = await from.getItem(AUTH_NAME);
  await stopSession();
  const value = newerStored(stored, await from.getItem(AUTH_NAME));
  const refreshToken = storedOrder(value)?.refreshToken ?? null;
  let exchanged = false;
  if (value !== null && refreshToken !== null) {
    try {
      exchanged = await exchangeForCookie(refreshToken);
    } catch {
      return;
    }
  }
  // The old copy holds a spent refresh token now: sent again, it would revoke the family. (Removed
  // first: in localStorage the hint takes the same key.)
  await from.removeItem(AUTH_NAME);
  if (exchanged)
    await createAuthStorage({ authName: AUTH_NAME, authType: 'memory' }).setItem(AUTH_NAME, value!);
  if (authType === 'localstorage') generationMarker.write(null);
  writeStoragePreference('memory');
}

/**
 * Switches out of secure mode, which signs out in every tab: the refresh token lives in an
 * `HttpOnly` cookie, and no route hands it to a script (one that did would hand it to an XSS
 * payload too). The server revokes the session and clears the cookie before the reload.
 */
async function leaveSecureMode(next: AuthType): Promise<void> {
  if (storedPreference() === next) return;
  const { session, restoring } = store.getState().auth;
  // Every tab follows the sign-out; the library removes the hint.
  store.dispatch(signOut());
  try {
    await endCookieSession();
  } catch {
    // The server is out of reach: the cookie stays, but without the hint no tab will use it.
  }
  await stopSession();
  await createAuthStorage({ authName: AUTH_NAME, authType: 'memory' }).removeItem(AUTH_NAME);
  if (session !== null || restoring) noteLeftSecureMode();
  writeStoragePreference(next);
}

/** Moves the session into `next`, and records the choice once it is there. */
function moveTo(next: AuthType): Promise<void> {
  if (authType === 'memory') return leaveSecureMode(next);
  return next === 'memory' ? enterSecureMode() : moveSession(next);
}

/**
 * Moves the stored session to the other storage and reloads, so the user
 * stays signed in (except out of secure mode: see {@link leaveSecureMode});
 * every other tab follows. The move happens under the
 * library's refresh lock, held until this document is gone: no tab is
 * mid-refresh while the tokens are copied, and none starts one before it has
 * followed. (Two tabs refreshing the same tokens from two storages would send
 * a spent refresh token: the server revokes the family and every tab is
 * signed out.)
 */
export async function switchStorage(next: AuthType): Promise<void> {
  if (next === authType || leaving) return;
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  if (locks === undefined) {
    // No Web Locks (not a secure context): at least this tab's own refresh is not cut off.
    await refreshSettled();
    await moveTo(next);
    window.location.reload();
    return;
  }
  await locks.request(REFRESH_LOCK, async () => {
    await moveTo(next);
    window.location.reload();
    await new Promise((resolve) => setTimeout(resolve, LOCK_HOLD_MAX_MS));
  });
}

/**
 * Another tab chose the other storage: stop this tab's session at once and
 * reload into it. When the session moved there (the moving tab writes the
 * choice after the copy), a copy of it that this tab's last write put back
 * here is removed. (A choice made by `?storage=` in a new tab moves nothing:
 * the session stays where it is, for a switch back.)
 */
async function followSwitch(): Promise<void> {
  const next = storedPreference();
  const { auth: state, activity } = store.getState();
  const own = state.session?.id ?? null;
  // Out of secure mode the moving tab signs out everywhere; this tab may have heard of it already.
  const signedOutByMove =
    authType === 'memory' && (own !== null || state.restoring || activity.ended?.reason === 'other-tab');
  await stopSession();
  const here = createAuthStorage({ authName: AUTH_NAME, authType });
  const there = createAuthStorage({ authName: AUTH_NAME, authType: next });
  const [left, moved] = await Promise.all([here.getItem(AUTH_NAME), there.getItem(AUTH_NAME)]);
  const copy = storedOrder(left);
  // Secure mode's hint names no session: the one moved there is this tab's, if it left a hint.
  // (Under the moving tab's lock no refresh ran here, so the flush above wrote nothing over it.)
  const movedHere =
    next === 'memory'
      ? moved !== null && own !== null && copy?.id === own
      : copy !== null && copy.id === storedOrder(moved)?.id;
  if (movedHere) await here.removeItem(AUTH_NAME);
  if (authType === 'localstorage') generationMarker.write(null);
  // After the reload the sign-in form says why this tab is signed out.
  if (signedOutByMove) noteLeftSecureMode();
  window.location.reload();
}

if (typeof window !== 'undefined') {
  window.addEventListener('storage', (event) => {
    // `key === null`: the other tab cleared localStorage, the choice with it.
    if (leaving || (event.key !== STORAGE_PREFERENCE_KEY && event.key !== null)) return;
    if (storedPreference() !== authType) void followSwitch();
  });
}
