import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type * as toolkit from '@reduxjs/toolkit';
import {
  createSlice,
  type DevToolsEnhancerOptions,
  type PayloadAction,
  type UnknownAction,
} from '@reduxjs/toolkit';
import {
  authDevToolsOptions,
  createRefresh,
  refreshNow,
  selectAuthToken,
  selectRefreshToken,
  signIn,
  type AuthStorage,
  type RefreshApiResult,
} from 'redux-auth-kit';
import { createAuthStore } from 'redux-auth-kit/store';
import { recordActions } from './support/actions';
import { withFakeClock } from './support/clock';
import { jwtFor, middleThird } from './support/jwt';
import { uniqueAuthName } from './support/harness';
import { createMemoryStorage } from './support/memoryStorage';

// configureStore is wrapped so the test can see which DevTools options createAuthStore passes.
const configured = vi.hoisted(() => ({ devTools: [] as unknown[] }));
vi.mock('@reduxjs/toolkit', async (importOriginal) => {
  const actual = await importOriginal<typeof toolkit>();
  const configureStore: typeof actual.configureStore = (options) => {
    configured.devTools.push(options.devTools);
    return actual.configureStore(options);
  };
  return { ...actual, configureStore };
});

const notes = createSlice({
  name: 'notes',
  initialState: { pasted: null as string | null, text: 'hello' },
  reducers: {
    pasted(state, action: PayloadAction<string>) {
      state.pasted = action.payload;
    },
  },
});

const closers: Array<() => void> = [];
withFakeClock();
beforeEach(() => {
  configured.devTools.length = 0;
});
afterEach(() => {
  while (closers.length > 0) closers.pop()!();
});

/** Every token and its middle third: none of them may survive redaction. */
function secretsOf(tokens: string[]): string[] {
  return tokens.flatMap((t) => [t, middleThird(t)]);
}

function expectNoSecret(text: string, secrets: string[]): void {
  for (const secret of secrets) expect(text, `leaked ${secret.slice(0, 6)}…`).not.toContain(secret);
}

const silent = { error: () => {}, warn: () => {} };

function build(
  authName: string,
  storage: AuthStorage,
  log: UnknownAction[],
  refreshApiCallback?: () => Promise<RefreshApiResult>,
) {
  const made = createAuthStore({
    authName,
    storage,
    reducer: { notes: notes.reducer },
    middleware: [recordActions(log).middleware],
    listener: { wake: false, logger: silent },
    ...(refreshApiCallback !== undefined && { refresh: createRefresh({ refreshApiCallback }) }),
  });
  closers.push(() => {
    made.auth.dispose();
    made.persistor.pause();
  });
  return made;
}

async function rehydrated(persistor: { getState: () => { bootstrapped: boolean } }): Promise<void> {
  for (let i = 0; i < 50 && !persistor.getState().bootstrapped; i += 1) await Promise.resolve();
  expect(persistor.getState().bootstrapped).toBe(true);
}

describe('authDevToolsOptions keep tokens out of Redux DevTools', () => {
  test('no token or token fragment survives the sanitizers or the export replacer after sign-in, rotation and rehydrate', async () => {
    const authName = uniqueAuthName();
    const { storage } = createMemoryStorage();
    const access1 = jwtFor(3600);
    const access2 = jwtFor(3600);
    const refresh1 = 'rt-first-0123456789abcdefghijklmnopqrstuv';
    const refresh2 = 'rt-second-zyxwvutsrqponmlkjihgfedcba987654';
    const appJwt = jwtFor(60, { sub: 'someone-else' });
    const secrets = secretsOf([access1, access2, refresh1, refresh2, appJwt]);

    const log: UnknownAction[] = [];
    const first = build(authName, storage, log, async () => ({
      isSuccess: true,
      newAuthToken: access2,
      newRefreshToken: refresh2,
    }));
    await rehydrated(first.persistor);
    first.store.dispatch(signIn({ auth: { token: access1 }, refresh: refresh1, userState: { name: 'Ada' } }));
    first.store.dispatch(notes.actions.pasted(appJwt));
    await expect(first.store.dispatch(refreshNow())).resolves.toEqual({ ok: true });
    expect(selectRefreshToken(first.store.getState())).toBe(refresh2);
    await first.persistor.flush();

    const second = build(authName, storage, log);
    await rehydrated(second.persistor);
    expect(selectAuthToken(second.store.getState())).toBe(access2);

    // The scenario really put every token into some action and state.
    const types = log.map((a) => a.type);
    expect(types).toEqual(
      expect.arrayContaining(['auth/signIn', 'auth/refreshSucceeded', 'persist/REHYDRATE', 'notes/pasted']),
    );
    const rawLog = JSON.stringify(log);
    for (const token of [access1, access2, refresh1, refresh2, appJwt]) expect(rawLog).toContain(token);
    const rehydrate = log.filter((a) => a.type === 'persist/REHYDRATE').map((a) => JSON.stringify(a));
    expect(rehydrate.some((text) => text.includes(access2) && text.includes(refresh2))).toBe(true);

    const { actionSanitizer, stateSanitizer, serialize } = authDevToolsOptions;
    for (const action of log) {
      expectNoSecret(JSON.stringify(actionSanitizer(action)), secrets);
      expectNoSecret(JSON.stringify(action, serialize.replacer), secrets);
    }
    for (const state of [first.store.getState(), second.store.getState()]) {
      expectNoSecret(JSON.stringify(stateSanitizer(state)), secrets);
      expectNoSecret(JSON.stringify(state, serialize.replacer), secrets);
    }
  });

  test('sanitizing copies: the store state keeps its tokens', async () => {
    const { store, persistor } = build(uniqueAuthName(), createMemoryStorage().storage, []);
    await rehydrated(persistor);
    const token = jwtFor(600);
    store.dispatch(signIn({ auth: { token }, refresh: 'rt-keep-me' }));
    const state = store.getState();
    const sanitized = authDevToolsOptions.stateSanitizer(state);
    expect(sanitized).not.toBe(state);
    expect(sanitized.auth.session?.token).toBe('[redacted]');
    expect(sanitized.auth.session?.refreshToken).toBe('[redacted]');
    expect(sanitized.notes.text).toBe('hello');
    expect(state.auth.session?.token).toBe(token);
    expect(state.auth.session?.refreshToken).toBe('rt-keep-me');
  });

  test('a JWT-shaped string in an unrelated app slice is redacted', () => {
    const jwt = jwtFor(60);
    const state = { todos: { items: [{ id: 1, secret: jwt, title: 'buy milk' }] } };
    const secrets = secretsOf([jwt]);
    expectNoSecret(JSON.stringify(authDevToolsOptions.stateSanitizer(state)), secrets);
    expectNoSecret(JSON.stringify(state, authDevToolsOptions.serialize.replacer), secrets);
    expect(JSON.stringify(authDevToolsOptions.stateSanitizer(state))).toContain('buy milk');
    const action = { type: 'todos/added', payload: { pasted: jwt } };
    expectNoSecret(JSON.stringify(authDevToolsOptions.actionSanitizer(action)), secrets);
  });

  test('a JWT embedded in a longer string in an app slice is redacted', () => {
    const jwt = jwtFor(60);
    const state = { api: { lastHeader: `Bearer ${jwt}`, lastError: `401 for token ${jwt}` } };
    const secrets = secretsOf([jwt]);
    expectNoSecret(JSON.stringify(authDevToolsOptions.stateSanitizer(state)), secrets);
    expectNoSecret(JSON.stringify(state, authDevToolsOptions.serialize.replacer), secrets);
  });
});

/** The options createAuthStore passed to DevTools redact actions, states and the export. */
function expectRedacting(options: DevToolsEnhancerOptions): void {
  const token = jwtFor(600);
  const refresh = 'rt-wired-redaction-0123456789';
  const action = signIn({ auth: { token }, refresh });
  const state = { auth: { session: action.payload } };
  const secrets = secretsOf([token, refresh]);
  expect(options.actionSanitizer).toBeTypeOf('function');
  expect(options.stateSanitizer).toBeTypeOf('function');
  expectNoSecret(JSON.stringify(options.actionSanitizer!(action, 0)), secrets);
  expectNoSecret(JSON.stringify(options.stateSanitizer!(state, 0)), secrets);
  const replacer = typeof options.serialize === 'object' ? options.serialize.replacer : undefined;
  expect(replacer).toBeTypeOf('function');
  expectNoSecret(JSON.stringify(state, replacer), secrets);
}

describe('createAuthStore wires DevTools redaction', () => {
  test('DevTools redaction is on by default', () => {
    build(uniqueAuthName(), createMemoryStorage().storage, []);
    expectRedacting(configured.devTools.at(-1) as DevToolsEnhancerOptions);
  });

  test('devTools: false turns DevTools off without throwing', async () => {
    const made = createAuthStore({
      authName: uniqueAuthName(),
      storage: createMemoryStorage().storage,
      devTools: false,
    });
    closers.push(() => {
      made.auth.dispose();
      made.persistor.pause();
    });
    expect(configured.devTools.at(-1)).toBe(false);
    await rehydrated(made.persistor);
    made.store.dispatch(signIn({ auth: { token: jwtFor(600) } }));
    expect(selectAuthToken(made.store.getState())).not.toBeNull();
  });

  test('app DevTools options are merged over the redacting ones', () => {
    const made = createAuthStore({
      authName: uniqueAuthName(),
      storage: createMemoryStorage().storage,
      devTools: { name: 'my app', maxAge: 10 },
    });
    closers.push(() => {
      made.auth.dispose();
      made.persistor.pause();
    });
    const options = configured.devTools.at(-1) as DevToolsEnhancerOptions;
    expect(options.name).toBe('my app');
    expect(options.maxAge).toBe(10);
    expectRedacting(options);
  });

  test('app sanitizers and serialize options do not switch token redaction off', () => {
    const made = createAuthStore({
      authName: uniqueAuthName(),
      storage: createMemoryStorage().storage,
      devTools: {
        actionSanitizer: (action) => action,
        stateSanitizer: (state) => state,
        serialize: { options: { date: true } },
      },
    });
    closers.push(() => {
      made.auth.dispose();
      made.persistor.pause();
    });
    const options = configured.devTools.at(-1) as DevToolsEnhancerOptions;
    const token = jwtFor(600);
    const action = signIn({ auth: { token }, refresh: 'rt-app-sanitizer-0123456789' });
    const secrets = secretsOf([token, 'rt-app-sanitizer-0123456789']);
    expectNoSecret(JSON.stringify(options.actionSanitizer?.(action, 0) ?? action), secrets);
    const state = { auth: { session: action.payload } };
    expectNoSecret(JSON.stringify(options.stateSanitizer?.(state, 0) ?? state), secrets);
    const serialize = options.serialize;
    const replacer = typeof serialize === 'object' ? serialize.replacer : undefined;
    expectNoSecret(JSON.stringify(state, replacer), secrets);
  });
});
