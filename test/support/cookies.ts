// document.cookie helpers for jsdom tests of cookie persistence.
import Cookies from 'js-cookie';
import { expect } from 'vitest';
import { middleThird } from './jwt';

/** Empties the cookie jar and localStorage: a test starts with none of an earlier test's writes. */
export function clearCookiesAndLocalStorage(): void {
  for (const name of Object.keys(Cookies.get())) Cookies.remove(name, { path: '/' });
  localStorage.clear();
}

/** Removes every cookie the document holds, whatever its name (js-cookie's jar may not list it). */
export function clearEveryCookie(): void {
  for (const pair of document.cookie.split('; ').filter(Boolean)) {
    const name = pair.slice(0, pair.indexOf('='));
    document.cookie = `${name}=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT`;
  }
}

/** The decoded names of the cookies the document holds, in document order. */
export const cookieNames = (): string[] =>
  document.cookie
    .split('; ')
    .filter(Boolean)
    .map((pair) => decodeURIComponent(pair.slice(0, pair.indexOf('='))));

/** Every raw `document.cookie = …` assignment while `run` runs. */
export async function cookieWrites(run: () => Promise<void>): Promise<string[]> {
  const writes: string[] = [];
  const native = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie')!;
  Object.defineProperty(document, 'cookie', {
    configurable: true,
    get: () => native.get!.call(document),
    set: (value: string) => {
      writes.push(value);
      native.set!.call(document, value);
    },
  });
  try {
    await run();
  } finally {
    delete (document as { cookie?: string }).cookie;
  }
  return writes;
}

/** name → decoded value of every cookie the document holds. */
export function jar(): Map<string, string> {
  const out = new Map<string, string>();
  for (const pair of document.cookie.split('; ').filter(Boolean)) {
    const eq = pair.indexOf('=');
    out.set(decodeURIComponent(pair.slice(0, eq)), decodeURIComponent(pair.slice(eq + 1)));
  }
  return out;
}

/** The names of the cookies `authName` wrote: `authName` itself and its chunks and marker. */
export const cookiesOf = (authName: string): string[] =>
  [...jar().keys()].filter((name) => name.startsWith(authName));

/** No cookie of `authName` is left, and no token (nor its middle third) is anywhere in document.cookie. */
export function expectNoTokenInCookies(authName: string, tokens: string[]): void {
  expect(cookiesOf(authName)).toEqual([]);
  const raw = `${document.cookie}\n${decodeURIComponent(document.cookie)}`;
  for (const token of tokens) {
    expect(raw).not.toContain(token);
    expect(raw).not.toContain(middleThird(token));
  }
}
