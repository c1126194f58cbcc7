import fc from 'fast-check';
import { describe, expect, test, vi } from 'vitest';
import { configureStore, type Middleware } from '@reduxjs/toolkit';
import { persistStore } from 'redux-persist';
import {
  authSlice,
  createAuthListener,
  createRefresh,
  PERSIST_ACTIONS,
  persistAuthReducer,
  selectAuthHeader,
  selectAuthToken,
  selectAuthUser,
  selectIsAuthenticated,
  selectRefreshToken,
  selectSessionStatus,
  signIn,
  type AuthRootState,
  type AuthStorage,
  type RefreshApiCallbackParam,
  type RefreshApiResult,
  type SessionStatus,
} from 'redux-auth-kit';
import { T0, withFakeClock } from './support/clock';
import { checkInvariants, storageProbe } from './support/invariants';
import { jwtFor } from './support/jwt';
import { makeStore, uniqueAuthName } from './support/harness';
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
} from './support/properties';

withFakeClock();

type Made = Awaited<ReturnType<typeof makeStore>>;

/** Tears a store down the way closing the tab would: no more timers, no more writes. */
function close(made: Made): void {
  made.auth.dispose();
  made.persistor.pause();
}

/** Records every change of the session status, starting with the state before the first action. */
function statusRecorder(log: SessionStatus[]): Middleware {
  return (api) => (next) => (action) => {
    const result = next(action);
    const status = selectSessionStatus(api.getState() as AuthRootState);
    if (log[log.length - 1] !== status) log.push(status);
    return result;
  };
}

function silentLogger() {
  return { error: vi.fn(), warn: vi.fn() };
}

/** Signs in on a first store, writes storage, and closes that store. */
async function signedInThenClosed(
  authName: string,
  storage: AuthStorage,
  params: Parameters<typeof signIn>[0],
): Promise<void> {
  const first = await makeStore({ authName, storage });
  first.store.dispatch(signIn(params));
  await first.persistor.flush();
  close(first);
}

describe('reloading with a stored session', () => {
  test('valid stored tokens sign the user in again without calling the refresh callback', async () => {
    const authName = uniqueAuthName();
    const { storage } = createMemoryStorage();
    const token = jwtFor(3600);
    await signedInThenClosed(authName, storage, {
      auth: { token },
      refresh: 'refresh-valid',
      refreshExpiresIn: 86_400,
      userState: { name: 'Ada' },
    });
    const storedExpiry = T0 + 3_600_000;

    vi.setSystemTime(T0 + 10_000);
    const refreshApiCallback = vi.fn(async (): Promise<RefreshApiResult> => ({ isSuccess: false }));
    const { store } = await makeStore({
      authName,
      storage,
      refresh: createRefresh({ refreshApiCallback }),
    });

    expect(selectSessionStatus(store.getState())).toBe('signed-in');
    expect(selectAuthHeader(store.getState())).toBe(`Bearer ${token}`);
    expect(selectRefreshToken(store.getState())).toBe('refresh-valid');
    expect(selectAuthUser(store.getState())).toEqual({ name: 'Ada' });
    expect(store.getState().auth.session?.expiresAt).toBe(storedExpiry);

    await vi.advanceTimersByTimeAsync(5_000);
    expect(refreshApiCallback).not.toHaveBeenCalled();
    expect(selectSessionStatus(store.getState())).toBe('signed-in');
  });

  test('an expired access token with a live refresh token is refreshed exactly once while the status reads restoring', async () => {
    const authName = uniqueAuthName();
    const { storage } = createMemoryStorage();
    const oldToken = jwtFor(600);
    await signedInThenClosed(authName, storage, {
      auth: { token: oldToken },
      refresh: 'refresh-live',
      refreshExpiresIn: 86_400,
      userState: { name: 'Ada' },
    });

    vi.setSystemTime(T0 + 700_000);
    let answer!: (result: RefreshApiResult) => void;
    const params: Array<Omit<RefreshApiCallbackParam, 'signal'>> = [];
    const refreshApiCallback = vi.fn((param: RefreshApiCallbackParam) => {
      const { signal: _signal, ...rest } = param;
      params.push(rest);
      return new Promise<RefreshApiResult>((resolve) => (answer = resolve));
    });
    const statuses: SessionStatus[] = [];
    const { store } = await makeStore({
      authName,
      storage,
      refresh: createRefresh({ refreshApiCallback }),
      middleware: [statusRecorder(statuses)],
    });

    expect(selectSessionStatus(store.getState())).toBe('restoring');
    expect(selectIsAuthenticated(store.getState())).toBe(true);
    expect(selectAuthHeader(store.getState())).toBeNull();
    expect(refreshApiCallback).toHaveBeenCalledTimes(1);
    // The expired access token is not handed to the callback; the refresh token is.
    expect(params[0]).toEqual({ refreshToken: 'refresh-live', authUserState: { name: 'Ada' } });

    await vi.advanceTimersByTimeAsync(1_000);
    expect(refreshApiCallback).toHaveBeenCalledTimes(1);
    expect(selectSessionStatus(store.getState())).toBe('restoring');

    const newToken = jwtFor(600);
    answer({ isSuccess: true, newAuthToken: newToken });
    await vi.advanceTimersByTimeAsync(1_000);

    expect(selectSessionStatus(store.getState())).toBe('signed-in');
    expect(selectAuthHeader(store.getState())).toBe(`Bearer ${newToken}`);
    expect(refreshApiCallback).toHaveBeenCalledTimes(1);
    // Never 'signed-out' on the way, not even between redux-persist's REHYDRATE and the restore.
    expect(statuses).toEqual(['restoring', 'signed-in']);
  });

  test('an expired refresh token signs the user out without calling the refresh callback', async () => {
    const authName = uniqueAuthName();
    const { storage, data } = createMemoryStorage();
    const token = jwtFor(60);
    await signedInThenClosed(authName, storage, {
      auth: { token },
      refresh: 'refresh-short',
      refreshExpiresIn: 120,
    });
    expect(data.get(authName)).toContain(token);

    vi.setSystemTime(T0 + 200_000);
    const refreshApiCallback = vi.fn(async (): Promise<RefreshApiResult> => ({ isSuccess: false }));
    const { store, persistor } = await makeStore({
      authName,
      storage,
      refresh: createRefresh({ refreshApiCallback }),
    });

    expect(selectSessionStatus(store.getState())).toBe('signed-out');
    expect(selectAuthToken(store.getState())).toBeNull();
    await vi.advanceTimersByTimeAsync(5_000);
    await persistor.flush();
    expect(refreshApiCallback).not.toHaveBeenCalled();
    expect(selectSessionStatus(store.getState())).toBe('signed-out');
    expect(data.has(authName)).toBe(false);
  });
});

/** What redux-persist writes for a session: the slice's whitelisted keys, each JSON-encoded. */
function storedBlob(session: unknown): string {
  return JSON.stringify({
    session: JSON.stringify(session),
    _persist: JSON.stringify({ version: -1, rehydrated: true }),
  });
}

function validSession(token: string): Record<string, unknown> {
  return { ...signIn({ auth: { token }, refresh: 'refresh-stored', refreshExpiresIn: 86_400 }).payload };
}

describe('reloading with tampered storage', () => {
  const token = jwtFor(3600);
  const valid = storedBlob(validSession(token));
  const innerJson = JSON.stringify(validSession(token));

  const cases: Array<[string, string]> = [
    ['a value that is not JSON', 'not json {'],
    ['truncated JSON', valid.slice(0, Math.floor(valid.length / 2))],
    ['a session whose token is a number', storedBlob({ ...validSession(token), token: 42 })],
    ['a session whose expiresAt is a string', storedBlob({ ...validSession(token), expiresAt: 'tomorrow' })],
    ['a session that is an array', storedBlob([token])],
    [
      'a truncated inner session JSON',
      JSON.stringify({ session: innerJson.slice(0, innerJson.length - 20), _persist: '{"version":-1}' }),
    ],
    ['valid JSON that is a number instead of the persisted object', '42'],
  ];

  test.each(cases)('%s signs out, warns once and removes the key', async (_label, value) => {
    const authName = uniqueAuthName();
    const { storage, data } = createMemoryStorage({ [authName]: value });
    const logger = silentLogger();
    const refreshApiCallback = vi.fn(async (): Promise<RefreshApiResult> => ({ isSuccess: false }));

    const { store } = await makeStore({
      authName,
      storage,
      refresh: createRefresh({ refreshApiCallback }),
      listener: { logger },
    });
    await vi.advanceTimersByTimeAsync(100);

    expect(selectSessionStatus(store.getState())).toBe('signed-out');
    expect(selectAuthToken(store.getState())).toBeNull();
    expect(refreshApiCallback).not.toHaveBeenCalled();
    expect(logger.warn).toHaveBeenCalledTimes(1);
    const message = String(logger.warn.mock.calls[0]?.[0]);
    expect(message).toContain(authName);
    expect(message).not.toContain(token);
    expect(logger.error).not.toHaveBeenCalled();
    expect(data.has(authName)).toBe(false);
  });

  test('after tampered storage is discarded a new sign-in works and is persisted', async () => {
    const authName = uniqueAuthName();
    const { storage, data } = createMemoryStorage({ [authName]: 'garbage' });
    const { store, persistor } = await makeStore({ authName, storage });
    const fresh = jwtFor(3600);
    store.dispatch(signIn({ auth: { token: fresh } }));
    await persistor.flush();
    expect(selectAuthHeader(store.getState())).toBe(`Bearer ${fresh}`);
    expect(data.get(authName)).toContain(fresh);
  });

  // Tampered storage is removed, never restored: a stored value whose session sits under a
  // `__proto__` key instead of its own `session` key (redux-persist's getStoredState assigns
  // such a key as the prototype of the state it builds, so `.session` reads it) is not a session.
  test('a stored value whose session hides under a __proto__ key is removed, not restored', async () => {
    const session = {
      id: 'smuggled',
      generation: 0,
      token: jwtFor(600),
      tokenType: 'Bearer',
      expiresAt: Date.now() + 600_000,
      receivedAt: Date.now(),
      startedAt: Date.now(),
      refreshToken: 'rt-smuggled',
      refreshExpiresAt: null,
      userState: { name: 'Mallory' },
    };
    // No own "session" key: only a "__proto__" one, holding (as a JSON text) an object with a session.
    const text = `{"__proto__":${JSON.stringify(JSON.stringify({ session }))},"_persist":"{\\"version\\":-1}"}`;
    expect(Object.prototype.hasOwnProperty.call(JSON.parse(text), 'session')).toBe(false);
    const authName = uniqueAuthName();
    const memory = createMemoryStorage({ [authName]: text });
    const { store, persistor } = await makeStore({ authName, storage: memory.storage });
    await vi.advanceTimersByTimeAsync(0);
    await persistor.flush();
    expect(selectIsAuthenticated(store.getState()), 'signed out').toBe(false);
    expect(memory.data.has(authName), 'the tampered value is removed').toBe(false);
  });
});

// Property: whatever storage holds at startup (random JSON, wrong shapes, one field corrupted,
// truncated, `__proto__` keys), nothing throws; a value that is not a valid stored session by
// the contract is removed and the store is signed out; a valid one is restored exactly (or
// ends, with no network call, when its refresh token has expired); every invariant holds.
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

describe('the stored session is read once per store', () => {
  test('a store preloaded with an auth state that says storage was read still takes its first REHYDRATE', async () => {
    const authName = uniqueAuthName();
    const { storage } = createMemoryStorage();
    const token = jwtFor(3600);
    await signedInThenClosed(authName, storage, { auth: { token }, refresh: 'r1' });

    // A state serialized on a server (or by an earlier store) without redux-persist's `_persist`.
    const preloaded = { auth: { ...authSlice.getInitialState(), storageRead: true } };
    const auth = createAuthListener({ authName, storage, wake: false, logger: silentLogger() });
    const store = configureStore({
      reducer: { auth: persistAuthReducer({ authName, storage }) },
      preloadedState: preloaded as never,
      middleware: (gDM) =>
        gDM({ serializableCheck: { ignoredActions: PERSIST_ACTIONS } }).prepend(auth.middleware),
    });
    const persistor = persistStore(store);
    await vi.advanceTimersByTimeAsync(10);
    expect(selectAuthToken(store.getState() as AuthRootState)).toBe(token);
    await persistor.flush();
    expect(await storage.getItem(authName), 'the stored session is kept').toContain('r1');
    auth.dispose();
    persistor.pause();
  });
});
