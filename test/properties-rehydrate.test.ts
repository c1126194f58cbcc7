// Property: whatever storage holds at startup (random JSON, wrong shapes, one field corrupted,
// truncated, `__proto__` keys), nothing throws; a value that is not a valid stored session by
// the contract is removed and the store is signed out; a valid one is restored exactly (or
// ends, with no network call, when its refresh token has expired); every invariant holds.
import fc from 'fast-check';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { createRefresh, selectSessionStatus } from 'redux-auth-kit';
import { checkInvariants, storageProbe } from './support/invariants';
import { createMemoryStorage } from './support/memoryStorage';
import {
  assertProperty,
  freshClock,
  openStore,
  oracleStored,
  propertyAuthName,
  propertyTimeout,
  recordingLogger,
  storedCase,
  T0,
} from './support/properties';

beforeAll(() => {
  vi.useFakeTimers();
});
afterAll(() => {
  vi.useRealTimers();
});

test(
  'rehydrating from any stored value never throws, removes what is not a valid session, restores what is, and keeps every invariant',
  async () => {
    await assertProperty(
      'rehydrate (memory engine)',
      fc.asyncProperty(
        storedCase,
        fc.integer({ min: -3 * 86_400_000, max: 3 * 86_400_000 }),
        async (stored, offset) => {
          freshClock();
          vi.setSystemTime(T0 + offset);
          const authName = propertyAuthName();
          const memory = createMemoryStorage(stored.text === null ? {} : { [authName]: stored.text });
          const calls: Array<string | undefined> = [];
          const { logger, logs } = recordingLogger();
          const made = await openStore({
            authName,
            storage: memory.storage,
            refresh: createRefresh({
              refreshApiCallback: ({ refreshToken }) => {
                calls.push(refreshToken);
                return new Promise<never>(() => {});
              },
              // One call in flight for the whole run: never timed out and retried.
              timeout: 3_600,
            }),
            logger,
            // No wall-clock ticks: some runs wait days of fake time for a due refresh.
            listener: { logger, crossTab: false, wallClockCheck: 0 },
          });
          try {
            const { store, persistor } = made;
            await vi.advanceTimersByTimeAsync(0);
            await persistor.flush();
            const state = store.getState();
            const expected = oracleStored(stored.text);
            const now = Date.now();
            const ended =
              expected !== null &&
              ((expected.refreshExpiresAt !== null && expected.refreshExpiresAt <= now) ||
                (expected.expiresAt !== null && expected.expiresAt <= now && expected.refreshToken === null));
            const probe = storageProbe({ authName, memory: memory.data, tokens: stored.tokens });
            const accessExpired = expected?.expiresAt != null && expected.expiresAt <= now;
            if (expected === null || ended) {
              expect(state.auth.session, 'signed out').toBeNull();
              expect(memory.data.has(authName), 'the stored value is removed').toBe(false);
            } else {
              expect(state.auth.session, 'restored exactly').toStrictEqual(expected);
              expect(selectSessionStatus(state)).toBe(accessExpired ? 'restoring' : 'signed-in');
              // A live token is not refreshed at startup.
              if (!accessExpired) expect(calls, 'no refresh call at startup').toEqual([]);
            }
            expect(logs.error, 'nothing logged as an error').toEqual([]);
            checkInvariants(state, probe);

            // An expired access token with a live refresh token is refreshed first: at once, or, for a
            // refreshed token that arrived already expired, 30 s after it arrived (README: so a skewed
            // clock never makes a refresh loop).
            const arrivedExpired =
              expected !== null &&
              expected.generation > 0 &&
              expected.expiresAt !== null &&
              expected.expiresAt <= expected.receivedAt;
            if (expected !== null && !ended && accessExpired && !arrivedExpired) {
              expect(calls, 'one refresh call, at once').toEqual([expected.refreshToken]);
            }
            const dueAt = arrivedExpired ? Math.max(now, expected!.receivedAt + 30_000) : now;
            await vi.advanceTimersByTimeAsync(dueAt - now + 30_000);
            // The refresh token may expire before that refresh is due: then the session just ends.
            const expiresFirst = expected?.refreshExpiresAt != null && expected.refreshExpiresAt <= dueAt;
            if (expected === null || ended) expect(calls, 'no refresh call').toEqual([]);
            else if (accessExpired && expiresFirst) expect(store.getState().auth.session).toBeNull();
            else if (accessExpired) expect(calls, 'one refresh call').toEqual([expected.refreshToken]);
            checkInvariants(store.getState(), probe);
          } finally {
            made.dispose();
          }
        },
      ),
      0x4e4d,
    );
  },
  propertyTimeout(),
);
