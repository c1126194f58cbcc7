// @vitest-environment jsdom
import Cookies from 'js-cookie';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuthError } from '../src/errors';
import { createCookieStorage } from '../src/persist/cookieStorage';

interface RawCookie {
  name: string;
  value: string;
}

/** What the browser would hold, as raw (encoded) name=value pairs. */
const rawCookies = (): RawCookie[] =>
  document.cookie
    .split('; ')
    .filter(Boolean)
    .map((pair) => {
      const eq = pair.indexOf('=');
      return { name: decodeURIComponent(pair.slice(0, eq)), value: pair.slice(eq + 1) };
    });

const bytes = (s: string): number => new TextEncoder().encode(s).length;
const rawSize = (c: RawCookie): number => bytes(encodeURIComponent(c.name)) + bytes(c.value);
const cookiesOf = (key: string): RawCookie[] => rawCookies().filter((c) => c.name.startsWith(key));
const chunksOf = (key: string): RawCookie[] => cookiesOf(key).filter((c) => c.name.startsWith(`${key}.`));

/** A ~10 kB JSON-like value full of characters js-cookie must encode. */
const bigValue = (): string => {
  const unit = 'é€;%=,"\\ ab12(){}[]💡';
  let s = '{"token":"';
  while (bytes(s) < 10_000) s += unit;
  return `${s}"}`;
};

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe('createCookieStorage', () => {
  it('round-trips a small value in a single cookie', async () => {
    const storage = createCookieStorage({ maxChunks: 8 });
    const value = JSON.stringify({ auth: '{"token":"abc;def%20é"}' });
    await storage.setItem('rt-small', value);
    expect(await storage.getItem('rt-small')).toBe(value);
    expect(cookiesOf('rt-small').map((c) => c.name)).toEqual(['rt-small']);
    expect(await storage.getItem('rt-missing')).toBeNull();
  });

  it('never mistakes a value for a chunk header', async () => {
    const storage = createCookieStorage({ maxChunks: 8 });
    for (const value of ['chunks:1', 'chunks:x', 'chunks:']) {
      await storage.setItem('rt-header-like', value);
      expect(await storage.getItem('rt-header-like')).toBe(value);
    }
  });

  it('passes default attributes: Path=/, SameSite=Lax, not Secure on http, session cookie', async () => {
    const set = vi.spyOn(Cookies, 'set');
    await createCookieStorage().setItem('attr-default', 'v');
    expect(location.protocol).toBe('http:');
    expect(set).toHaveBeenCalledWith('attr-default', 'v', {
      path: '/',
      sameSite: 'Lax',
      secure: false,
      domain: undefined,
      expires: undefined,
    });
  });

  it('passes secure, domain, path, sameSite and expiresAt through', async () => {
    const set = vi.spyOn(Cookies, 'set');
    const at = Date.UTC(2031, 0, 2, 3, 4, 5);
    const expiresAt = vi.fn((value: string) => (value === 'v' ? at : null));
    const storage = createCookieStorage({
      secure: true,
      domain: 'example.com',
      path: '/app',
      sameSite: 'Strict',
      expiresAt,
    });
    await storage.setItem('attr-custom', 'v');
    expect(expiresAt).toHaveBeenCalledWith('v');
    expect(set).toHaveBeenCalledWith('attr-custom', 'v', {
      path: '/app',
      sameSite: 'Strict',
      secure: true,
      domain: 'example.com',
      expires: new Date(at),
    });
    await storage.setItem('attr-custom', 'session');
    expect(set).toHaveBeenLastCalledWith(
      'attr-custom',
      'session',
      expect.objectContaining({ expires: undefined }),
    );
  });

  it('defaults Secure to true for SameSite=None and on https', async () => {
    const set = vi.spyOn(Cookies, 'set');
    await createCookieStorage({ sameSite: 'None' }).setItem('attr-none', 'v');
    expect(set).toHaveBeenLastCalledWith(
      'attr-none',
      'v',
      expect.objectContaining({ sameSite: 'None', secure: true }),
    );

    vi.stubGlobal('location', { protocol: 'https:' });
    await createCookieStorage().setItem('attr-https', 'v');
    expect(set).toHaveBeenLastCalledWith('attr-https', 'v', expect.objectContaining({ secure: true }));
  });

  it('rejects invalid options at creation', () => {
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return error instanceof AuthError ? error.code : 'other';
      }
      return 'none';
    };
    expect(code(() => createCookieStorage({ sameSite: 'None', secure: false }))).toBe('invalid-option');
    expect(code(() => createCookieStorage({ maxChunks: 0 }))).toBe('invalid-option');
    expect(code(() => createCookieStorage({ maxChunks: 1.5 }))).toBe('invalid-option');
    expect(code(() => createCookieStorage({ sameSite: 'None', secure: true }))).toBe('none');
  });

  it('splits a 10 kB value into cookies under 4096 bytes that round-trip intact', async () => {
    const set = vi.spyOn(Cookies, 'set');
    const at = Date.now() + 3_600_000;
    const storage = createCookieStorage({ expiresAt: () => at, maxChunks: 8 });
    const value = bigValue();
    await storage.setItem('big', value);

    expect(await storage.getItem('big')).toBe(value);
    const chunks = chunksOf('big');
    expect(chunks.length).toBeGreaterThan(2);
    for (const c of cookiesOf('big')) expect(rawSize(c)).toBeLessThanOrEqual(4000);
    for (const c of rawCookies()) expect(rawSize(c)).toBeLessThanOrEqual(4096);
    expect(cookiesOf('big').find((c) => c.name === 'big')?.value).toBe(`chunks:${chunks.length}`);

    // Header and every chunk carry identical attributes.
    const attrs = set.mock.calls.map((call) => call[2]);
    expect(attrs).toHaveLength(chunks.length + 1);
    for (const a of attrs)
      expect(a).toEqual({
        path: '/',
        sameSite: 'Lax',
        secure: false,
        domain: undefined,
        expires: new Date(at),
      });
  });

  it('removes stale chunks when a value shrinks', async () => {
    const storage = createCookieStorage({ maxChunks: 8 });
    await storage.setItem('shrink', bigValue());
    const before = chunksOf('shrink').length;
    expect(before).toBeGreaterThan(2);

    await storage.setItem('shrink', `${bigValue().slice(0, 4000)}"}`);
    const mid = chunksOf('shrink').length;
    expect(mid).toBeGreaterThan(0);
    expect(mid).toBeLessThan(before);
    expect(
      chunksOf('shrink')
        .map((c) => c.name)
        .sort(),
    ).toEqual(Array.from({ length: mid }, (_, i) => `shrink.${i}`).sort());

    await storage.setItem('shrink', '{"small":true}');
    expect(await storage.getItem('shrink')).toBe('{"small":true}');
    expect(cookiesOf('shrink').map((c) => c.name)).toEqual(['shrink']);
  });

  it('rejects a value over maxChunks with storage-too-large and keeps the previous value', async () => {
    const storage = createCookieStorage({ maxChunks: 2 });
    await storage.setItem('too-large', '{"old":1}');
    const value = bigValue();
    const error: unknown = await storage.setItem('too-large', value).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).code).toBe('storage-too-large');
    expect((error as AuthError).message).toMatch(/\d+ bytes/);
    expect((error as AuthError).message).not.toContain('é€');
    expect(await storage.getItem('too-large')).toBe('{"old":1}');
    expect(chunksOf('too-large')).toEqual([]);
  });

  it('by default refuses a value that would need more than four cookies', async () => {
    const value = bigValue();
    const error: unknown = await createCookieStorage()
      .setItem('default-limit', value)
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect((error as AuthError).code).toBe('storage-too-large');
    expect(cookiesOf('default-limit')).toEqual([]);
  });

  it('removeItem removes the header and every chunk', async () => {
    const storage = createCookieStorage({ maxChunks: 8 });
    await storage.setItem('remove-me', bigValue());
    const remove = vi.spyOn(Cookies, 'remove');
    await storage.removeItem('remove-me');
    expect(cookiesOf('remove-me')).toEqual([]);
    expect(await storage.getItem('remove-me')).toBeNull();
    for (const call of remove.mock.calls) expect(call[1]).toMatchObject({ path: '/', sameSite: 'Lax' });
  });

  it('returns null when a chunk is missing', async () => {
    const storage = createCookieStorage({ maxChunks: 8 });
    await storage.setItem('corrupt', bigValue());
    Cookies.remove('corrupt.1');
    expect(await storage.getItem('corrupt')).toBeNull();
  });

  it('does nothing without a document (server)', async () => {
    vi.stubGlobal('document', undefined);
    vi.resetModules();
    const { createCookieStorage: create } = await import('../src/persist/cookieStorage');
    const storage = create();
    await expect(storage.setItem('server', 'v')).resolves.toBeUndefined();
    await expect(storage.getItem('server')).resolves.toBeNull();
    await expect(storage.removeItem('server')).resolves.toBeUndefined();
    vi.unstubAllGlobals();
    expect(cookiesOf('server')).toEqual([]);
  });
});
