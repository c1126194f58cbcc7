import Cookies from 'js-cookie';
import { cookieAttributes, readJar, type CookieSameSite } from '../persist/cookieStorage';
import type { AuthSession } from '../types';
import type { GenerationMarker } from './options';

/** The cookie that holds the generation marker beside localStorage storage. */
export const markerCookieName = (authName: string): string => `${authName}.gen`;

/** Attributes of the marker cookie: the same as the auth cookies would get. */
export interface MarkerCookieOptions {
  /** Cookie `Domain`; host-only when omitted. */
  domain?: string | undefined;
  /** Cookie `Secure`; default on when the page is served over https. */
  secure?: boolean | undefined;
  /** Cookie `SameSite`; default `'Lax'`. */
  sameSite?: CookieSameSite | undefined;
}

/**
 * A cookie that names the newest stored session generation (no token);
 * readable by every tab at once. js-cookie reads and writes nothing without a
 * `document` (on a server).
 */
export function createCookieMarker(name: string, options: MarkerCookieOptions = {}): GenerationMarker {
  const attributes = cookieAttributes(options);
  const read = (): string | null => readJar()?.get(name) ?? null;
  return {
    read,
    write: (value) => {
      // Only a change is written: the same generation announced again leaves the cookie alone.
      if (read() === value) return;
      if (value === null) Cookies.remove(name, attributes());
      else Cookies.set(name, value, attributes());
    },
  };
}

/** What a marker names: one generation of one session. */
export interface MarkerValue {
  sessionId: string;
  generation: number;
}

/** The marker value for `session`: `<id>.<generation>`, nothing secret. */
export const markerFor = (session: AuthSession): string => `${session.id}.${session.generation}`;

/** What a marker value names, or `null` for no marker or one that is not ours (it then holds nothing back). */
export function parseMarker(value: string | null): MarkerValue | null {
  const dot = value?.lastIndexOf('.') ?? -1;
  if (value === null || dot < 1) return null;
  const generation = value.slice(dot + 1);
  if (!/^\d{1,15}$/.test(generation)) return null;
  return { sessionId: value.slice(0, dot), generation: Number(generation) };
}

/** Whether `session` is the session `marker` names, at that generation or later. */
export const markerReached = (marker: MarkerValue, session: AuthSession | null): boolean =>
  session !== null && session.id === marker.sessionId && session.generation >= marker.generation;
