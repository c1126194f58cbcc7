// @vitest-environment jsdom
// Storage cost of a typical session in each built-in storage, counted where
// the bytes land (document.cookie assignments, localStorage.setItem), with
// createAuthStore's defaults: the bytes it keeps, and the writes each
// scheduled refresh makes.
import { afterAll, afterEach, beforeEach, expect, test, vi } from 'vitest';
import { createRefresh, signIn, type RefreshApiResult } from 'redux-auth-kit';
import { makeStore, uniqueAuthName } from '../support/harness';
import { writeResults } from './results';

const REFRESHES = 5;
/** A 15-minute access token, refreshed 60 s before it expires. */
const ACCESS_TTL_S = 900;
const CYCLE_MS = (ACCESS_TTL_S - 60) * 1000;
const REFRESH_TTL_S = 30 * 86_400;

let serial = 0;
/** Deterministic stand-in for random bytes, base64url-encoded. */
const opaque = (bytes: number): string => Buffer.alloc(bytes, `k${++serial}`).toString('base64url');

/**
 * An access token as a typical identity provider issues it: RS256 (a 256-byte
 * signature), issuer, audience, subject, scope, name and email.
 */
function accessToken(): string {
  const enc = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const iat = Math.floor(Date.now() / 1000);
  const claims = {
    iss: 'https://auth.example.com/',
    sub: '8d3f2c1e-5b7a-4e9d-a2c4-7f1e0b9d3a6c',
    aud: 'https://api.example.com',
    iat,
    exp: iat + ACCESS_TTL_S,
    jti: opaque(16),
    scope: 'openid profile email read:projects write:projects',
    name: 'Ada Lovelace',
    email: 'ada.lovelace@example.com',
  };
  return `${enc({ alg: 'RS256', typ: 'JWT', kid: '2026-01' })}.${enc(claims)}.${opaque(256)}`;
}

/** An opaque refresh token (32 random bytes), as most servers issue them. */
const refreshToken = (): string => opaque(32);

const userState = {
  id: '8d3f2c1e-5b7a-4e9d-a2c4-7f1e0b9d3a6c',
  name: 'Ada Lovelace',
  email: 'ada.lovelace@example.com',
  roles: ['admin'],
};

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Records every `document.cookie = …` and `localStorage.setItem(…)` while installed. */
function recordWrites() {
  const cookies: string[] = [];
  const descriptor = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie')!;
  Object.defineProperty(document, 'cookie', {
    configurable: true,
    get: () => descriptor.get!.call(document) as string,
    set: (value: string) => {
      cookies.push(value);
      descriptor.set!.call(document, value);
    },
  });
  const setItem = vi.spyOn(Storage.prototype, 'setItem');
  return {
    cookies,
    /** Keys passed to localStorage.setItem. */
    items: [] as string[],
    uninstall(): void {
      this.items = setItem.mock.calls.map(([key]) => key);
      delete (document as { cookie?: string }).cookie;
      setItem.mockRestore();
    },
  };
}

/** Bytes of `name=value` pairs in document.cookie whose name passes `which`. */
function cookieBytes(which: (name: string) => boolean): number {
  return document.cookie
    .split('; ')
    .filter((pair) => pair !== '' && which(decodeURIComponent(pair.slice(0, pair.indexOf('=')))))
    .reduce((sum, pair) => sum + Buffer.byteLength(pair), 0);
}

const figures: Record<string, unknown> = {};
afterAll(() => writeResults('storage', { refreshes: REFRESHES, ...figures }));

test.each(['cookie', 'localstorage'] as const)(
  'bytes and writes per refresh in %s storage',
  async (authType) => {
    const authName = uniqueAuthName();
    const refreshApiCallback = vi.fn(async (): Promise<RefreshApiResult<typeof userState>> => ({
      isSuccess: true,
      newAuthToken: accessToken(),
      newRefreshToken: refreshToken(),
      newRefreshTokenExpiresIn: REFRESH_TTL_S,
    }));
    const { store, persistor } = await makeStore<typeof userState>({
      authName,
      authType,
      refresh: createRefresh({ refreshApiCallback }),
    });
    const isMarker = (name: string): boolean => name === `${authName}.gen`;
    const isSession = (name: string): boolean =>
      name === authName || (name.startsWith(`${authName}.`) && !isMarker(name));

    store.dispatch(
      signIn({
        auth: { token: accessToken() },
        refresh: refreshToken(),
        refreshExpiresIn: REFRESH_TTL_S,
        userState,
      }),
    );
    await persistor.flush();
    await vi.advanceTimersByTimeAsync(1_000);

    const stored =
      authType === 'cookie'
        ? cookieBytes(isSession)
        : Buffer.byteLength(authName) + Buffer.byteLength(localStorage.getItem(authName) ?? '');
    const marker = cookieBytes(isMarker);

    const writes = recordWrites();
    try {
      for (let i = 0; i < REFRESHES; i += 1) await vi.advanceTimersByTimeAsync(CYCLE_MS);
      await vi.advanceTimersByTimeAsync(5_000);
      await persistor.flush();
    } finally {
      writes.uninstall();
    }

    // A measurement, not a verdict: only check that the refreshes being counted happened.
    expect(refreshApiCallback).toHaveBeenCalledTimes(REFRESHES);
    expect(stored).toBeGreaterThan(0);
    const named = (value: string): string => decodeURIComponent(value.slice(0, value.indexOf('=')));
    const sessionWrites =
      authType === 'cookie'
        ? writes.cookies.filter((c) => isSession(named(c))).length
        : writes.items.filter((key) => key === authName).length;
    const markerWrites = writes.cookies.filter((c) => isMarker(named(c))).length;
    figures[authType] = {
      bytes: stored,
      markerBytes: marker,
      writesPerRefresh: sessionWrites / REFRESHES,
      markerWritesPerRefresh: markerWrites / REFRESHES,
      tokenBytes: { access: accessToken().length, refresh: refreshToken().length },
    };
  },
);
