// A refresh result is an input like any other: a newAuthUserState JSON cannot hold never
// reaches the state (which must stay serializable for DevTools, replay and storage).
import fc from 'fast-check';
import { expect, test, vi } from 'vitest';
import {
  createRefresh,
  refreshNow,
  refreshSucceeded,
  selectAuthUser,
  selectIsAuthenticated,
  signIn,
  type RefreshApiCallback,
  type RefreshApiResult,
} from 'redux-auth-kit';
import type { Middleware } from '@reduxjs/toolkit';
import { withFakeClock } from './support/clock';
import { makeStore, uniqueAuthName } from './support/harness';
import { checkInvariants, storageProbe } from './support/invariants';
import { jwtFor } from './support/jwt';
import { createMemoryStorage } from './support/memoryStorage';
import {
  anyNumber,
  anyTokenString,
  assertProperty,
  bearerString,
  freshClock,
  jsonData,
  openStore,
  plausibleJwt,
  propertyAuthName,
  propertyTimeout,
  recordingLogger,
  anyCloneable,
} from './support/properties';

withFakeClock();

const cyclic = (): unknown => {
  const user: Record<string, unknown> = { name: 'Grace' };
  user.self = user;
  return user;
};

test.each<[string, () => unknown]>([
  ['a Date', () => ({ name: 'Grace', since: new Date() })],
  ['a Set', () => new Set(['Grace'])],
  ['a Map', () => new Map([['name', 'Grace']])],
  ['a BigInt', () => ({ name: 'Grace', id: 10n })],
  ['a cycle', cyclic],
])(
  'a refresh result whose newAuthUserState holds %s leaves a serializable state and the user state in place',
  async (_what, userState) => {
    const { store } = await makeStore({
      authName: uniqueAuthName(),
      storage: createMemoryStorage().storage,
      refresh: createRefresh({
        refreshApiCallback: async () =>
          ({ isSuccess: true, newAuthToken: jwtFor(600), newAuthUserState: userState() }) as RefreshApiResult,
      }),
    });
    store.dispatch(signIn({ auth: { token: jwtFor(600) }, refresh: 'rt-1', userState: { name: 'Ada' } }));
    await store.dispatch(refreshNow());
    checkInvariants(store.getState());
    expect(selectIsAuthenticated(store.getState())).toBe(true);
    expect(selectAuthUser(store.getState())).toEqual({ name: 'Ada' });
  },
);

// Property: whatever refreshApiCallback returns or throws (any value, result-shaped objects
// with random fields, throwing getters, Proxies, thenables, non-promises, promises that never
// settle or settle late), refreshNow() settles with a serializable outcome, the session is kept
// unless the answer is { isSuccess: false }, and every invariant holds.

/** Seconds the refresh call may take before it is aborted. */
const TIMEOUT_S = 1;
/** How long each run watches: past the timeout, any grace and the latest answer. */
const WINDOW_MS = 10_000;

const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 3 });

/** A result-shaped object: each field absent, right, wrong or absurd. */
const resultFields: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    isSuccess: fc.oneof({ weight: 6, arbitrary: fc.boolean() }, { weight: 1, arbitrary: anyCloneable }),
    newAuthToken: fc.oneof(
      { weight: 5, arbitrary: plausibleJwt },
      { weight: 2, arbitrary: anyTokenString },
      { weight: 1, arbitrary: anyCloneable },
    ),
    newAuthTokenType: optional(fc.oneof(fc.constant('Bearer'), bearerString, anyCloneable)),
    newAuthTokenExpireIn: optional(fc.oneof(fc.integer({ min: 1, max: 86_400 }), anyNumber, anyCloneable)),
    newRefreshToken: optional(fc.oneof(bearerString, anyTokenString, anyCloneable)),
    newRefreshTokenExpiresIn: optional(
      fc.oneof(fc.integer({ min: 1, max: 86_400 * 30 }), anyNumber, anyCloneable),
    ),
    newAuthUserState: optional(
      fc.oneof({ weight: 4, arbitrary: jsonData }, { weight: 1, arbitrary: anyCloneable }),
    ),
  },
  { requiredKeys: ['isSuccess'] },
);

/** How a value is built at run time (Proxies and getters cannot be printed by fast-check). */
type Value =
  | { kind: 'plain'; value: unknown }
  | { kind: 'result'; fields: Record<string, unknown> }
  | { kind: 'throwing-getter'; fields: Record<string, unknown>; key: string; error: unknown }
  | { kind: 'proxy'; fields: Record<string, unknown>; trap: ProxyTrap; error: unknown }
  | { kind: 'thenable'; then: 'throws' | 'never' | 'calls-back'; inner: Value | null };

type ProxyTrap = 'get' | 'has' | 'ownKeys' | 'getOwnPropertyDescriptor' | 'getPrototypeOf';

const leafValue: fc.Arbitrary<Value> = fc.oneof(
  { weight: 2, arbitrary: anyCloneable.map((value): Value => ({ kind: 'plain', value })) },
  { weight: 6, arbitrary: resultFields.map((fields): Value => ({ kind: 'result', fields })) },
  {
    weight: 1,
    arbitrary: fc
      .record({
        fields: resultFields,
        key: fc.constantFrom('isSuccess', 'newAuthToken', 'newRefreshToken', 'newAuthUserState', 'then'),
        error: anyCloneable,
      })
      .map((v): Value => ({ kind: 'throwing-getter', ...v })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({
        fields: resultFields,
        trap: fc.constantFrom<ProxyTrap>(
          'get',
          'has',
          'ownKeys',
          'getOwnPropertyDescriptor',
          'getPrototypeOf',
        ),
        error: anyCloneable,
      })
      .map((v): Value => ({ kind: 'proxy', ...v })),
  },
);

const value: fc.Arbitrary<Value> = fc.oneof(
  { weight: 9, arbitrary: leafValue },
  {
    weight: 1,
    arbitrary: fc
      .record({
        then: fc.constantFrom('throws', 'never', 'calls-back' as const),
        inner: fc.option(leafValue),
      })
      .map((v): Value => ({ kind: 'thenable', ...v })),
  },
);

/** What the callback does on its first call. */
type Behaviour =
  | { kind: 'return'; value: Value }
  | { kind: 'resolve'; value: Value; afterMs: number }
  | { kind: 'reject'; error: Value }
  | { kind: 'throw'; error: Value }
  | { kind: 'never' };

const behaviour: fc.Arbitrary<Behaviour> = fc.oneof(
  fc.record({ kind: fc.constant('return' as const), value }),
  fc.record({
    kind: fc.constant('resolve' as const),
    value,
    // In time, just after the timeout (within any grace), long after it.
    afterMs: fc.constantFrom(0, 1, 500, 1_200, 5_000),
  }),
  fc.record({ kind: fc.constant('reject' as const), error: value }),
  fc.record({ kind: fc.constant('throw' as const), error: value }),
  fc.constant<Behaviour>({ kind: 'never' }),
);

function build(v: Value): unknown {
  switch (v.kind) {
    case 'plain':
      return v.value;
    case 'result':
      return { ...v.fields };
    case 'throwing-getter': {
      const target: Record<string, unknown> = { ...v.fields };
      Object.defineProperty(target, v.key, {
        enumerable: true,
        get() {
          throw v.error;
        },
      });
      return target;
    }
    case 'proxy':
      return new Proxy(
        { ...v.fields },
        {
          [v.trap]: () => {
            throw v.error;
          },
        },
      );
    case 'thenable':
      return {
        then(onFulfilled: (x: unknown) => void) {
          if (v.then === 'throws') throw new Error('then threw');
          if (v.then === 'calls-back') onFulfilled(v.inner === null ? undefined : build(v.inner));
        },
      };
  }
}

/** The answer the value finally delivers, as far as the test can tell without reading traps. */
function delivered(v: Value): Value | null {
  if (v.kind !== 'thenable') return v;
  return v.then === 'calls-back' && v.inner !== null ? delivered(v.inner) : null;
}

/** `{ isSuccess: false }` plainly: the server rejected the refresh token. */
const isRejection = (v: Value | null): boolean =>
  v !== null &&
  ((v.kind === 'result' && v.fields.isSuccess === false) ||
    (v.kind === 'plain' &&
      typeof v.value === 'object' &&
      v.value !== null &&
      (v.value as { isSuccess?: unknown }).isSuccess === false));

/** A value that may read as a rejection through getters or traps: either outcome is fair. */
const mayReadAsRejection = (v: Value | null): boolean =>
  v !== null && (v.kind === 'throwing-getter' || v.kind === 'proxy') && v.fields.isSuccess === false;

const REASONS = ['rejected', 'network', 'timeout', 'invalid-response', 'signed-out', 'unavailable'];

test(
  'any value returned by or thrown from refreshApiCallback settles refreshNow() with a serializable outcome and keeps the session unless it is { isSuccess: false }',
  async () => {
    await assertProperty(
      'refreshApiCallback results',
      fc.asyncProperty(behaviour, async (b) => {
        freshClock();
        const authName = propertyAuthName();
        const memory = createMemoryStorage();
        const { logger } = recordingLogger();
        let calls = 0;
        const refreshApiCallback = (() => {
          calls += 1;
          if (calls > 1) return new Promise<never>(() => {});
          switch (b.kind) {
            case 'return':
              return build(b.value);
            case 'resolve':
              return new Promise((resolve) => setTimeout(() => resolve(build(b.value)), b.afterMs));
            case 'reject':
              return Promise.reject(build(b.error));
            case 'throw':
              throw build(b.error);
            case 'never':
              return new Promise<never>(() => {});
          }
        }) as unknown as RefreshApiCallback;
        // A refresh token the answer says lives only moments ends the session by itself: fair.
        let refreshTokenEnds = false;
        const watch: Middleware = () => (next) => (action) => {
          if (refreshSucceeded.match(action)) {
            const at = action.payload.refreshExpiresAt;
            if (at !== undefined && at !== null && at <= Date.now() + WINDOW_MS) refreshTokenEnds = true;
          }
          return next(action);
        };
        const made = await openStore({
          authName,
          storage: memory.storage,
          middleware: [watch],
          // A retry would call again: none within the run.
          refresh: createRefresh({ refreshApiCallback, timeout: TIMEOUT_S, retryDelay: 3_600 }),
          logger,
          listener: { logger, crossTab: false, onRefreshError: () => {} },
        });
        try {
          const { store, persistor } = made;
          const token = jwtFor(600);
          store.dispatch(signIn({ auth: { token }, refresh: 'rt-before', userState: { name: 'Ada' } }));
          const sessionId = store.getState().auth.session!.id;
          let outcome: unknown;
          let settled = false;
          void store.dispatch(refreshNow()).then((o) => {
            outcome = o;
            settled = true;
          });
          await vi.advanceTimersByTimeAsync(WINDOW_MS);
          expect(settled, 'refreshNow() settled').toBe(true);
          expect(JSON.parse(JSON.stringify(outcome)), 'the outcome is serializable').toStrictEqual(outcome);
          const o = outcome as { ok: boolean; reason?: string };
          expect(o.ok === true ? Object.keys(o) : [o.ok, REASONS.includes(o.reason!)]).toEqual(
            o.ok === true ? ['ok'] : [false, true],
          );

          const answer = b.kind === 'return' || b.kind === 'resolve' ? delivered(b.value) : null;
          const inTime = b.kind === 'return' || (b.kind === 'resolve' && b.afterMs < TIMEOUT_S * 1000);
          const signedIn = selectIsAuthenticated(store.getState());
          if (isRejection(answer) && inTime) expect(signedIn, 'a rejection signs out').toBe(false);
          else if (!isRejection(answer) && !mayReadAsRejection(answer) && !refreshTokenEnds) {
            expect(signedIn, 'the session is kept').toBe(true);
            expect(store.getState().auth.session?.id).toBe(sessionId);
          }
          await persistor.flush();
          const tokens = [token, 'rt-before'];
          const fields = answer?.kind === 'result' ? answer.fields : {};
          for (const t of [fields.newAuthToken, fields.newRefreshToken])
            if (typeof t === 'string') tokens.push(t);
          checkInvariants(store.getState(), storageProbe({ authName, memory: memory.data, tokens }));
        } finally {
          made.dispose();
        }
      }),
      0xca11,
    );
  },
  propertyTimeout(),
);
