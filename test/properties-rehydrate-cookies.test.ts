// @vitest-environment jsdom
// Property: a value split over cookies (`<authName>` = `chunks:N`, then `<authName>.0` …) reads
// back only when every chunk is there in order; a chunk set with chunks missing, duplicated,
// reordered or garbled, or a broken header, is removed and the store signed out, never thrown
// on; what reads back is judged like any stored value.
import fc from 'fast-check';
import Cookies from 'js-cookie';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { createRefresh } from 'redux-auth-kit';
import { checkInvariants, storageProbe } from './support/invariants';
import {
  assertProperty,
  freshClock,
  openStore,
  oracleStored,
  propertyAuthName,
  propertyTimeout,
  recordingLogger,
  storedCase,
} from './support/properties';

beforeAll(() => {
  vi.useFakeTimers();
});
afterAll(() => {
  vi.useRealTimers();
});

/** Removes every cookie the document holds, whatever its name. */
function clearEveryCookie(): void {
  for (const pair of document.cookie.split('; ').filter(Boolean)) {
    const name = pair.slice(0, pair.indexOf('='));
    document.cookie = `${name}=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT`;
  }
}

/** What happens to a chunk set before it is written. */
type Mutation =
  | { kind: 'none' }
  | { kind: 'drop'; at: number }
  | { kind: 'duplicate'; from: number; to: number }
  | { kind: 'swap'; a: number; b: number }
  | { kind: 'garble'; at: number; start: number; length: number; text: string }
  | { kind: 'header'; value: string }
  | { kind: 'no-header' }
  | { kind: 'orphan'; text: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant<Mutation>({ kind: 'none' }),
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), from: fc.nat(), to: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({
    kind: fc.constant('garble' as const),
    at: fc.nat(),
    start: fc.nat(),
    length: fc.nat({ max: 8 }),
    text: fc.string({ maxLength: 8 }),
  }),
  fc.record({
    kind: fc.constant('header' as const),
    value: fc.oneof(
      fc.constantFrom('chunks:0', 'chunks:-1', 'chunks:01', 'chunks:x', 'chunks:', 'chunks:99'),
      fc.string().map((s) => `chunks:${s}`),
    ),
  }),
  fc.constant<Mutation>({ kind: 'no-header' }),
  fc.record({ kind: fc.constant('orphan' as const), text: fc.string({ minLength: 1 }) }),
);

/** The cookies a chunk set is written as: name → value. */
function chunkSet(authName: string, text: string, pieces: number, cuts: number[], change: Mutation) {
  const chars = Array.from(text);
  const at = [...new Set(cuts.map((c) => c % Math.max(1, chars.length)))]
    .sort((x, y) => x - y)
    .slice(0, pieces - 1);
  const chunks: string[] = [];
  let from = 0;
  for (const cut of [...at, chars.length]) {
    if (cut > from) chunks.push(chars.slice(from, cut).join(''));
    from = Math.max(from, cut);
  }
  if (chunks.length === 0) chunks.push('');
  let header: string | null = `chunks:${chunks.length}`;
  const pick = (n: number): number => n % chunks.length;
  switch (change.kind) {
    case 'drop':
      chunks[pick(change.at)] = undefined as unknown as string;
      break;
    case 'duplicate':
      chunks[pick(change.to)] = chunks[pick(change.from)]!;
      break;
    case 'swap': {
      const [a, b] = [pick(change.a), pick(change.b)];
      [chunks[a], chunks[b]] = [chunks[b]!, chunks[a]!];
      break;
    }
    case 'garble': {
      const i = pick(change.at);
      const piece = Array.from(chunks[i]!);
      const start = change.start % (piece.length + 1);
      piece.splice(start, change.length, ...Array.from(change.text));
      chunks[i] = piece.join('');
      break;
    }
    case 'header':
      header = change.value;
      break;
    case 'no-header':
      header = null;
      break;
    case 'orphan':
      chunks.push(change.text);
      break;
  }
  const cookies = new Map<string, string>();
  chunks.forEach((chunk, i) => {
    if (chunk !== undefined && chunk !== '') cookies.set(`${authName}.${i}`, chunk);
  });
  if (header !== null) cookies.set(authName, header);
  return cookies;
}

/** What the documented chunk format reads back from `cookies` (an absent or empty value: `null`). */
function readChunked(authName: string, cookies: Map<string, string>): string | null {
  const head = cookies.get(authName);
  if (head === undefined) return null;
  if (!head.startsWith('chunks:')) return head;
  const count = head.slice('chunks:'.length);
  if (!/^(0|[1-9]\d*)$/.test(count)) return null;
  let value = '';
  for (let i = 0; i < Number(count); i += 1) {
    const part = cookies.get(`${authName}.${i}`);
    if (part === undefined) return null;
    value += part;
  }
  return value === '' ? null : value;
}

test(
  'rehydrating from any chunk set of cookies never throws, removes what does not read back as a valid session, restores what does',
  async () => {
    await assertProperty(
      'rehydrate (cookie chunks)',
      fc.asyncProperty(
        storedCase.filter((c) => c.text !== null && c.text !== ''),
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        mutation,
        async (stored, pieces, cuts, change) => {
          freshClock();
          clearEveryCookie();
          const authName = propertyAuthName();
          const cookies = chunkSet(authName, stored.text!, pieces, cuts, change);
          for (const [name, value] of cookies) Cookies.set(name, value, { path: '/' });
          const expected = oracleStored(readChunked(authName, cookies));
          const { logger, logs } = recordingLogger();
          const made = await openStore({
            authName,
            authType: 'cookie',
            refresh: createRefresh({
              refreshApiCallback: () => new Promise<never>(() => {}),
              timeout: 3_600,
            }),
            logger,
            listener: { logger, crossTab: false, wallClockCheck: 0 },
          });
          try {
            const { store, persistor } = made;
            await vi.advanceTimersByTimeAsync(0);
            await persistor.flush();
            const now = Date.now();
            const ended =
              expected !== null &&
              ((expected.refreshExpiresAt !== null && expected.refreshExpiresAt <= now) ||
                (expected.expiresAt !== null && expected.expiresAt <= now && expected.refreshToken === null));
            const state = store.getState();
            if (expected === null || ended) expect(state.auth.session, 'signed out').toBeNull();
            else expect(state.auth.session, 'restored exactly').toStrictEqual(expected);
            expect(logs.error, 'nothing logged as an error').toEqual([]);
            // Signed out: no cookie of the auth state is left (header, chunks), nor any token.
            checkInvariants(state, storageProbe({ authName, cookies: true, tokens: stored.tokens }));
          } finally {
            made.dispose();
          }
        },
      ),
      0xc00c,
    );
  },
  propertyTimeout(),
);
