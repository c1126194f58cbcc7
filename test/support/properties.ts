// What the fast-check property tests share: run counts and seeds, a store opened and torn down
// per run, and the generators of inputs at the library's boundaries.
import fc from 'fast-check';
import { vi } from 'vitest';
import type { AuthSession } from 'redux-auth-kit';
import { createAuthStore, type CreateAuthStoreOptions } from 'redux-auth-kit/store';
import { T0 } from './clock';
import { isEpochMs } from './invariants';

// Captured at import, before any test installs fake timers (they replace hrtime and performance).
const realClock = process.hrtime.bigint.bind(process.hrtime);

/** Cases per property: 1,000 unless `FC_RUNS` says otherwise. */
export const FC_RUNS = Number(process.env.FC_RUNS) > 0 ? Math.floor(Number(process.env.FC_RUNS)) : 1_000;

/** A vitest timeout that grows with `FC_RUNS`: `msPerRun` per case, at least a minute. */
export const propertyTimeout = (msPerRun = 60): number => Math.max(60_000, FC_RUNS * msPerRun);

/** The clock every run starts at (fake timers): the fake clock's start. */
export { T0 };

/**
 * fast-check parameters: `FC_RUNS` cases, the property's own seed unless `FC_SEED` is set
 * (and `FC_PATH` to replay one shrunk case). On failure fast-check prints the seed, the path,
 * the shrunk counterexample and the error; `verbose` adds the failing values' history.
 */
export function fcParameters<T>(defaultSeed: number): fc.Parameters<T> {
  const seed = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : defaultSeed;
  const path = process.env.FC_PATH;
  return { numRuns: FC_RUNS, seed, verbose: fc.VerbosityLevel.Verbose, ...(path !== undefined && { path }) };
}

/**
 * `fc.assert` with {@link fcParameters}; with `FC_TIMING` set it prints the cases run and
 * the time they took.
 */
export async function assertProperty<T>(
  name: string,
  property: fc.IAsyncPropertyWithHooks<T> | fc.IPropertyWithHooks<T>,
  defaultSeed: number,
): Promise<void> {
  const parameters = fcParameters<T>(defaultSeed);
  const started = realClock();
  await fc.assert(property, parameters);
  if (process.env.FC_TIMING) {
    const ms = Number(realClock() - started) / 1e6;
    console.log(
      `[fc] ${name}: ${parameters.numRuns} runs in ${(ms / 1000).toFixed(2)} s (seed ${parameters.seed})`,
    );
  }
}

/** Starts a run: fresh fake clock at {@link T0}, no timer left from an earlier run. */
export function freshClock(): void {
  vi.clearAllTimers();
  vi.setSystemTime(T0);
}

/** Any value a structured clone can carry (Date, Map, BigInt …; no functions, no symbols). */
export const anyCloneable = fc.anything({
  withBigInt: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withTypedArray: true,
  withSparseArray: true,
  withBoxedValues: true,
  maxDepth: 2,
});

/** A logger that keeps what it was told. */
export function recordingLogger() {
  const logs = { error: [] as unknown[][], warn: [] as unknown[][] };
  return {
    logs,
    logger: {
      error: (...args: unknown[]) => void logs.error.push(args),
      warn: (...args: unknown[]) => void logs.warn.push(args),
    },
  };
}

let names = 0;
/** A fresh authName per store family (channels and locks are named after it). */
export const propertyAuthName = (): string => `_auth_prop_${++names}`;

/**
 * `createAuthStore` for one property run: wake-ups off, no jitter, the given logger. Resolves
 * once redux-persist has rehydrated; `dispose()` tears it down (call it in `finally`).
 */
export async function openStore<U = unknown>(options: CreateAuthStoreOptions<U>) {
  const made = createAuthStore<{}, U>({
    ...options,
    listener: { wake: false, random: () => 0, ...options.listener },
  });
  for (let i = 0; i < 50 && !made.persistor.getState().bootstrapped; i += 1) {
    await Promise.resolve();
    await new Promise<void>((resolve) => queueMicrotask(resolve));
  }
  if (!made.persistor.getState().bootstrapped) throw new Error('store did not rehydrate');
  return {
    ...made,
    dispose(): void {
      made.auth.dispose();
      made.persistor.pause();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Generators.

/** Any JSON value, exactly as JSON gives it back (no -0). */
export const jsonData: fc.Arbitrary<unknown> = fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v)));

/** Numbers of every kind: NaN, ±Infinity, -0, denormals, huge, negative, plausible seconds. */
export const anyNumber: fc.Arbitrary<number> = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.double({ min: 1e-6, max: 1e7, noNaN: true }),
  fc.constantFrom(
    1e306,
    -1e306,
    1e13,
    1e16,
    8.64e12,
    1e-320,
    Number.MAX_VALUE,
    2 ** 31,
    2 ** 53,
    0,
    -0,
    60,
    3600,
  ),
);

/** Seconds since the epoch around {@link T0}: where a real `exp` / `iat` falls. */
export const nearNowSeconds: fc.Arbitrary<number> = fc
  .integer({ min: -1_000_000, max: 1_000_000 })
  .map((d) => Math.floor(T0 / 1000) + d);

/** A claim value: usually a number (near now or anything), sometimes not a number at all. */
const claim: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: nearNowSeconds },
  { weight: 3, arbitrary: anyNumber },
  { weight: 1, arbitrary: jsonData },
);

const b64url = (text: string): string => Buffer.from(text).toString('base64url');

/** JSON numbers JSON.stringify never writes but JSON.parse reads (1e400 is Infinity). */
const rawNumberText = fc.constantFrom('1e400', '-1e400', '1e306', '-0', '0.0000001', '9007199254740993');

/** A JWT payload: JSON of random claims, raw text with out-of-range numbers, or not JSON. */
const payloadText: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .record(
        { exp: claim, iat: claim, sub: fc.string(), jti: fc.string(), extra: jsonData },
        { requiredKeys: [] },
      )
      .map((claims) => JSON.stringify(claims)),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({ exp: fc.oneof(rawNumberText, nearNowSeconds.map(String)), iat: fc.option(rawNumberText) })
      .map(({ exp, iat }) => `{"exp":${exp}${iat === null ? '' : `,"iat":${iat}`}}`),
  },
  { weight: 1, arbitrary: jsonData.map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.string() },
);

/** A string shaped like a JWT (three dot-separated parts), whose parts may still be broken. */
export const jwtShaped: fc.Arbitrary<string> = fc
  .record({
    header: fc.oneof(fc.constant('{"alg":"HS256","typ":"JWT"}'), fc.string()),
    payload: payloadText,
    signature: fc.oneof(fc.constant('c2lnbmF0dXJl'), fc.string()),
    // Sometimes (1 in 10) the payload is not base64url at all.
    rawPayload: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
  })
  .map(({ header, payload, signature, rawPayload }) =>
    [b64url(header), rawPayload ? payload : b64url(payload), signature].join('.'),
  );

/** A bearer value the library must accept as a token string: printable ASCII, no space. */
export const bearerString: fc.Arbitrary<string> = fc.stringMatching(/^[\x21-\x7e]{1,48}$/);

/** A well-formed JWT with `exp` around now (sometimes past), `iat` before it or absent, odd extra claims. */
export const plausibleJwt: fc.Arbitrary<string> = fc
  .record({
    exp: fc.integer({ min: -1_000, max: 1_000_000 }),
    iat: fc.option(fc.integer({ min: -1_000_000, max: 1_000 }), { nil: undefined }),
    extra: fc.dictionary(fc.string(), jsonData, { maxKeys: 3 }),
  })
  .map(({ exp, iat, extra }) => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { ...extra, exp: now + exp, ...(iat !== undefined && { iat: now + iat }) };
    return [b64url('{"alg":"HS256","typ":"JWT"}'), b64url(JSON.stringify(claims)), 'c2lnbmF0dXJl'].join('.');
  });

/** Any string at all, JWT-shaped strings with random claims, well-formed JWTs, plain bearer strings. */
export const anyTokenString: fc.Arbitrary<string> = fc.oneof(
  { weight: 1, arbitrary: fc.string() },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme' }) },
  { weight: 3, arbitrary: jwtShaped },
  { weight: 4, arbitrary: plausibleJwt },
  { weight: 2, arbitrary: bearerString },
);

// ---------------------------------------------------------------------------------------------
// Stored state, and an oracle for it written from the contract, not from the library's code.

/** An epoch-ms time a session may hold. */
const epochMs: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: T0 - 10 * 86_400_000, max: T0 + 10 * 86_400_000 }),
  fc.integer({ min: 0, max: 4_102_444_800_000 }),
);

/** A session exactly as the library would store it: every field valid. */
export const validSession: fc.Arbitrary<AuthSession> = fc.record({
  id: fc.string({ minLength: 1, maxLength: 24 }),
  generation: fc.nat({ max: 1_000 }),
  token: bearerString,
  tokenType: fc.oneof(fc.constant('Bearer'), bearerString),
  expiresAt: fc.option(epochMs, { nil: null }),
  receivedAt: epochMs,
  startedAt: epochMs,
  refreshToken: fc.option(bearerString, { nil: null }),
  refreshExpiresAt: fc.option(epochMs, { nil: null }),
  userState: fc.oneof(fc.constant(null), jsonData),
});

/** The fields of a stored session. */
export const SESSION_FIELDS = [
  'id',
  'generation',
  'token',
  'tokenType',
  'expiresAt',
  'receivedAt',
  'startedAt',
  'refreshToken',
  'refreshExpiresAt',
  'userState',
] as const;

const isBearer = (v: unknown): boolean => typeof v === 'string' && /^[\x21-\x7e]+$/.test(v);
const isTime = (v: unknown): boolean => isEpochMs(v) && v >= 0;

/**
 * The contract of a stored session (every field present and of its kind, times a Date can
 * hold, the user state JSON), as the session it reads back as; `null` for anything else.
 */
export function oracleSession(value: unknown): AuthSession | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const v = value as Record<string, unknown>;
  const own = (key: string): boolean => Object.prototype.hasOwnProperty.call(v, key);
  if (!SESSION_FIELDS.every(own)) return null;
  const ok =
    typeof v.id === 'string' &&
    v.id !== '' &&
    Number.isSafeInteger(v.generation) &&
    (v.generation as number) >= 0 &&
    isBearer(v.token) &&
    isBearer(v.tokenType) &&
    (v.expiresAt === null || isTime(v.expiresAt)) &&
    isTime(v.receivedAt) &&
    isTime(v.startedAt) &&
    (v.refreshToken === null || isBearer(v.refreshToken)) &&
    (v.refreshExpiresAt === null || isTime(v.refreshExpiresAt)) &&
    isJson(v.userState);
  if (!ok) return null;
  const session = Object.fromEntries(SESSION_FIELDS.map((key) => [key, v[key]])) as unknown as AuthSession;
  return session;
}

/** Whether `value` survives JSON exactly. */
export function isJson(value: unknown): boolean {
  try {
    const text = JSON.stringify(value);
    if (text === undefined) return false;
    const back: unknown = JSON.parse(text);
    return sameJson(back, value);
  } catch {
    return false;
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  // Plain data only: an object of Object.prototype (or none), an array; not a Date, Map, boxed value …
  const proto: unknown = Object.getPrototypeOf(b);
  if (proto !== (Array.isArray(b) ? Array.prototype : Object.prototype) && proto !== null) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return (
    ka.length === kb.length &&
    ka.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

/** A stored value in redux-persist's format: an object of JSON texts, `session` among them. */
export const encodeStored = (session: unknown): string =>
  JSON.stringify({ session: JSON.stringify(session), _persist: '{"version":-1,"rehydrated":true}' });

/**
 * What a stored value holds by the contract: redux-persist's format (a JSON object whose own
 * values each parse as JSON, as redux-persist parses them) with a valid session under its own
 * `session` key; `null` otherwise.
 */
export function oracleStored(text: string | null): AuthSession | null {
  if (text === null) return null;
  let outer: unknown;
  try {
    outer = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof outer !== 'object' || outer === null || Array.isArray(outer)) return null;
  const entries = Object.entries(outer as Record<string, unknown>);
  const parsed = new Map<string, unknown>();
  for (const [key, raw] of entries) {
    try {
      parsed.set(key, JSON.parse(raw as string));
    } catch {
      return null;
    }
  }
  if (!parsed.has('session')) return null;
  return oracleSession(parsed.get('session'));
}

// ---------------------------------------------------------------------------------------------
// Stored values at startup.

/** A stored value, and the tokens it holds (to look for after the store signs out). */
export interface StoredCase {
  text: string | null;
  tokens: string[];
}

const storedTokensOf = (session: AuthSession, ...more: unknown[]): string[] =>
  [session.token, session.refreshToken, ...more].filter((t): t is string => typeof t === 'string');

/** A value for a field that may or may not be valid for it. */
const anyFieldValue: fc.Arbitrary<unknown> = fc.oneof(
  jsonData,
  anyNumber.map((n) => (Number.isFinite(n) ? n : null)),
  fc.string(),
  fc.constantFrom('', ' ', 'has space', -1, 1.5, 1e300, -0.5, true, null, {}, []),
);

/** The session's JSON text with one field moved into a `__proto__` key (JSON.parse makes it an own key). */
const protoSessionText = (session: AuthSession, field: keyof AuthSession): string => {
  const rest: Record<string, unknown> = { ...session };
  delete rest[field];
  const inner = JSON.stringify({ [field]: session[field] });
  return JSON.stringify(rest).replace(/^\{/, `{"__proto__":${inner}${Object.keys(rest).length ? ',' : ''}`);
};

export const storedCase: fc.Arbitrary<StoredCase> = fc.oneof(
  // Nothing stored.
  fc.constant<StoredCase>({ text: null, tokens: [] }),
  // A valid session, as written; with unknown fields beside it.
  validSession.map((s) => ({ text: encodeStored(s), tokens: storedTokensOf(s) })),
  fc
    .tuple(validSession, fc.dictionary(fc.string(), jsonData, { maxKeys: 3 }))
    .map(([s, extra]) => ({ text: encodeStored({ ...extra, ...s }), tokens: storedTokensOf(s) })),
  // Random JSON; any string.
  fc.json().map((text) => ({ text, tokens: [] })),
  fc.string().map((text) => ({ text, tokens: [] })),
  // The right envelope, a wrong session: random JSON, or not a JSON text at all.
  jsonData.map((v) => ({ text: encodeStored(v), tokens: [] })),
  jsonData.map((v) => ({ text: JSON.stringify({ session: v, _persist: '{"version":-1}' }), tokens: [] })),
  // One field corrupted, or missing.
  fc
    .tuple(validSession, fc.constantFrom(...SESSION_FIELDS), fc.option(anyFieldValue, { nil: undefined }))
    .map(([s, field, value]) => {
      const corrupted: Record<string, unknown> = { ...s };
      if (value === undefined) delete corrupted[field];
      else corrupted[field] = value;
      return { text: encodeStored(corrupted), tokens: storedTokensOf(s, value) };
    }),
  // Truncated anywhere.
  fc.tuple(validSession, fc.nat()).map(([s, n]) => {
    const text = encodeStored(s);
    return { text: text.slice(0, n % text.length), tokens: storedTokensOf(s) };
  }),
  // `__proto__` keys: a field moved into one inside the session, or the session inside one outside.
  fc.tuple(validSession, fc.constantFrom(...SESSION_FIELDS)).map(([s, field]) => ({
    text: JSON.stringify({
      session: protoSessionText(s, field),
      _persist: '{"version":-1,"rehydrated":true}',
    }),
    tokens: storedTokensOf(s),
  })),
  validSession.map((s) => ({
    text: `{"__proto__":${JSON.stringify(JSON.stringify({ session: s }))},"_persist":"{\\"version\\":-1}"}`,
    tokens: storedTokensOf(s),
  })),
);
