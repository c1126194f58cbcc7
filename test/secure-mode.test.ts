// @vitest-environment jsdom
// Secure mode (authType: 'memory'): the refresh token lives in an HttpOnly cookie the page never
// sees (here: a cookie jar the fake server reads, shared by the tabs of one browser), the access
// token only in memory, and storage holds at most the hint that a session may exist.
import { beforeEach, describe, expect, test, vi } from 'vitest';
import {
  createRefresh,
  selectAuthToken,
  selectIsAuthenticated,
  selectSessionStatus,
  signIn,
  signOut,
  type RefreshApiCallbackParam,
  type RefreshApiResult,
} from 'redux-auth-kit';
import { withFakeClock } from './support/clock';
import { createChannelHub } from './support/channel';
import { clearCookiesAndLocalStorage } from './support/cookies';
import { makeStore, uniqueAuthName } from './support/harness';
import { middleThird } from './support/jwt';
import { createLockManager } from './support/locks';
import { createRotatingServer, type RotatingServer } from './support/rotatingServer';
import { ASK_WAIT_MS } from '../src/tabs/tabs';

const LATENCY = 100;
/** 60 s access tokens: a refresh is due 30 s after each one arrives. */
const CYCLE = 30_000;

withFakeClock();
beforeEach(() => {
  clearCookiesAndLocalStorage();
  sessionStorage.clear();
});

/**
 * One browser against `server`: the refresh token sits in a cookie jar only the server reads (the
 * HttpOnly cookie), sent with every refresh call whichever tab makes it.
 */
function browserOf(server: RotatingServer) {
  const jar: { refreshToken?: string } = {};
  const calls: Array<{ tab: string; param: RefreshApiCallbackParam }> = [];
  const callbackFor =
    (tab: string) =>
    async (param: RefreshApiCallbackParam): Promise<RefreshApiResult> => {
      calls.push({ tab, param });
      const sent = jar.refreshToken;
      await new Promise((resolve) => setTimeout(resolve, LATENCY));
      const answer = server.refresh(sent, tab);
      if (!answer.ok) return { isSuccess: false };
      // The server rotates the cookie; the page never sees the new refresh token.
      jar.refreshToken = answer.refreshToken;
      return { isSuccess: true, newAuthToken: answer.accessToken };
    };
  const locks = createLockManager();
  const hub = createChannelHub();
  const authName = uniqueAuthName();
  async function openTab(label: string) {
    const made = await makeStore({
      authName,
      authType: 'memory',
      refresh: createRefresh({ refreshApiCallback: callbackFor(label) }),
      listener: { crossTab: { locks: locks.manager, channel: hub.as(label) } },
    });
    return { label, ...made };
  }
  /** Signs in through `/login`: the server sets the refresh cookie and returns the access token. */
  function login(tab: Awaited<ReturnType<typeof openTab>>) {
    const issued = server.login();
    jar.refreshToken = issued.refreshToken;
    tab.store.dispatch(signIn({ auth: { token: issued.accessToken }, userState: { family: issued.family } }));
    return issued;
  }
  /** A tab signed in through `/login`, its hint written to storage. */
  async function signedInTab(label: string) {
    const tab = await openTab(label);
    login(tab);
    await vi.advanceTimersByTimeAsync(1);
    await tab.persistor.flush();
    return tab;
  }
  /** A tab that signed in and was closed: its hint and the refresh cookie stay behind. */
  async function signInAndClose(label: string) {
    const tab = await signedInTab(label);
    tab.auth.dispose();
  }
  return { jar, calls, authName, openTab, signedInTab, signInAndClose };
}

/** Every token the server issued, and what page scripts can read: none may contain any part of one. */
function expectNoTokenReadableByScripts(server: RotatingServer): void {
  const readable = [
    document.cookie,
    ...Object.keys(localStorage).map((key) => `${key}=${localStorage.getItem(key)}`),
    ...Object.keys(sessionStorage).map((key) => `${key}=${sessionStorage.getItem(key)}`),
  ].join('\n');
  for (const token of [...server.issued, ...server.accessTokens]) {
    expect(readable, 'a token piece readable by page scripts').not.toContain(middleThird(token));
  }
}

describe('secure mode keeps every token out of what page scripts can read', () => {
  test('after sign-in, each of several refreshes and sign-out, no part of any token is in localStorage, sessionStorage or document.cookie', async () => {
    const server = createRotatingServer();
    const browser = browserOf(server);
    const tab = await browser.signedInTab('A');
    expect(selectIsAuthenticated(tab.store.getState())).toBe(true);
    expectNoTokenReadableByScripts(server);
    // Only the hint is stored.
    expect(localStorage.getItem(browser.authName)).toContain('a session may exist');

    for (let cycle = 1; cycle <= 4; cycle += 1) {
      await vi.advanceTimersByTimeAsync(CYCLE + LATENCY + 300);
      await tab.persistor.flush();
      expect(server.counters.refreshCalls).toBe(cycle);
      expect(selectAuthToken(tab.store.getState())).toBe(server.accessTokens.at(-1));
      expectNoTokenReadableByScripts(server);
    }
    // The callback never gets a refresh token: the server reads its cookie.
    expect(browser.calls.every(({ param }) => param.refreshToken === undefined)).toBe(true);
    expect(server.counters.reuseDetections).toBe(0);

    tab.store.dispatch(signOut());
    await vi.advanceTimersByTimeAsync(10);
    await tab.persistor.flush();
    expectNoTokenReadableByScripts(server);
    expect(localStorage.getItem(browser.authName)).toBeNull();
  });
});

describe('a reload in secure mode', () => {
  test('with the hint, the store starts restoring, makes exactly one refresh call and signs in', async () => {
    const server = createRotatingServer();
    const browser = browserOf(server);
    await browser.signInAndClose('A');

    const reloaded = await browser.openTab('A');
    // Until the refresh answers the app shows a loading state, not the login page.
    expect(selectSessionStatus(reloaded.store.getState())).toBe('restoring');
    expect(selectAuthToken(reloaded.store.getState())).toBeNull();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(server.counters.refreshCalls).toBe(1);
    expect(selectSessionStatus(reloaded.store.getState())).toBe('signed-in');
    expect(selectAuthToken(reloaded.store.getState())).toBe(server.accessTokens.at(-1));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(server.counters.refreshCalls).toBe(1);
  });

  test('without the hint there is no call and the store is signed out', async () => {
    const server = createRotatingServer();
    const browser = browserOf(server);
    const tab = await browser.openTab('A');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(selectSessionStatus(tab.store.getState())).toBe('signed-out');
    expect(browser.calls).toHaveLength(0);
  });

  test('a rejected restore signs out and clears the hint', async () => {
    const server = createRotatingServer();
    const browser = browserOf(server);
    await browser.signInAndClose('A');
    // The cookie expired or was revoked meanwhile: the server knows no such refresh token.
    browser.jar.refreshToken = 'revoked';

    const reloaded = await browser.openTab('A');
    expect(selectSessionStatus(reloaded.store.getState())).toBe('restoring');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(browser.calls).toHaveLength(1);
    expect(selectSessionStatus(reloaded.store.getState())).toBe('signed-out');
    await reloaded.persistor.flush();
    expect(localStorage.getItem(browser.authName)).toBeNull();

    // A reload now finds no hint: no call.
    reloaded.auth.dispose();
    const again = await browser.openTab('A');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(selectSessionStatus(again.store.getState())).toBe('signed-out');
    expect(browser.calls).toHaveLength(1);
  });
});

describe('secure mode without a refresh callback', () => {
  test('says so at creation, and a reload signs out (instead of restoring for ever) and clears the hint', async () => {
    const server = createRotatingServer();
    const authName = uniqueAuthName();
    const warn = vi.fn();
    const first = await makeStore({
      authName,
      authType: 'memory',
      listener: { logger: { error: vi.fn(), warn } },
    });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toMatch(/secure mode .* without a refreshApiCallback/);
    first.store.dispatch(signIn({ auth: { token: server.login().accessToken } }));
    await first.persistor.flush();
    expect(localStorage.getItem(authName)).toContain('a session may exist');
    first.auth.dispose();

    const reloaded = await makeStore({ authName, authType: 'memory' });
    expect(selectSessionStatus(reloaded.store.getState())).toBe('signed-out');
    await vi.advanceTimersByTimeAsync(1);
    expect(localStorage.getItem(authName)).toBeNull();
  });
});

test('a refresh token given to signIn anyway is never sent, and the app is told once', async () => {
  const server = createRotatingServer();
  const warn = vi.fn();
  const calls: RefreshApiCallbackParam[] = [];
  const { store } = await makeStore({
    authName: uniqueAuthName(),
    authType: 'memory',
    refresh: createRefresh({
      refreshApiCallback: async (param) => {
        calls.push(param);
        return { isSuccess: true, newAuthToken: server.login().accessToken };
      },
    }),
    listener: { logger: { error: vi.fn(), warn } },
  });
  store.dispatch(signIn({ auth: { token: server.login().accessToken }, refresh: 'SECRET-refresh' }));
  await vi.advanceTimersByTimeAsync(2 * CYCLE);
  expect(calls.length).toBeGreaterThan(0);
  expect(calls.map((param) => param.refreshToken)).toEqual(calls.map(() => undefined));
  const told = warn.mock.calls.filter(([message]) => String(message).includes('never sent'));
  expect(told).toHaveLength(1);
});

describe('tabs in secure mode', () => {
  test('a second store started while a first is signed in gets the access token from it, with no refresh call', async () => {
    const server = createRotatingServer();
    const browser = browserOf(server);
    const a = await browser.signedInTab('A');

    const b = await browser.openTab('B');
    expect(selectSessionStatus(b.store.getState())).toBe('restoring');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(selectSessionStatus(b.store.getState())).toBe('signed-in');
    expect(selectAuthToken(b.store.getState())).toBe(selectAuthToken(a.store.getState()));
    expect(browser.calls).toHaveLength(0);
  });

  test('with no other tab alive, a new store makes one refresh', async () => {
    const server = createRotatingServer();
    const browser = browserOf(server);
    await browser.signInAndClose('A');

    const b = await browser.openTab('B');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(selectSessionStatus(b.store.getState())).toBe('signed-in');
    expect(browser.calls.map((call) => call.tab)).toEqual(['B']);
  });

  test.each([2, 3, 5])(
    '%i tabs over ten token lifetimes make one refresh per lifetime in total, against a server that revokes the family on reuse',
    async (count) => {
      const server = createRotatingServer();
      const browser = browserOf(server);
      const first = await browser.signedInTab('A');
      const tabs = [first];
      for (let i = 1; i < count; i += 1) tabs.push(await browser.openTab(String.fromCharCode(65 + i)));
      await vi.advanceTimersByTimeAsync(1_000);
      for (const tab of tabs) expect(selectIsAuthenticated(tab.store.getState())).toBe(true);
      expect(server.counters.refreshCalls).toBe(0);

      // Ten lifetimes of 60 s: a refresh due 30 s after each token arrives, twenty in all. The tab
      // holding the lock first asks the others (ASK_WAIT_MS), then calls.
      for (let cycle = 1; cycle <= 20; cycle += 1) {
        const dueAt = first.store.getState().auth.session!.receivedAt + CYCLE;
        await vi.advanceTimersByTimeAsync(dueAt - Date.now() + ASK_WAIT_MS + LATENCY + 50);
        expect(server.counters.refreshCalls, `refresh calls after cycle ${cycle}`).toBe(cycle);
        for (const tab of tabs)
          expect(selectAuthToken(tab.store.getState())).toBe(server.accessTokens.at(-1));
      }
      expect(server.counters.reuseDetections).toBe(0);
      expect(server.sentTwice()).toEqual([]);
      // Sign-out everywhere, as in the other modes.
      tabs[1]!.store.dispatch(signOut());
      await vi.advanceTimersByTimeAsync(100);
      for (const tab of tabs) expect(selectIsAuthenticated(tab.store.getState())).toBe(false);
    },
  );
});

describe('the hint while a reload restores', () => {
  test('stays in storage until the restore ends, so a second reload meanwhile restores too', async () => {
    const server = createRotatingServer();
    const browser = browserOf(server);
    await browser.signInAndClose('A');

    const reloaded = await browser.openTab('A');
    expect(selectSessionStatus(reloaded.store.getState())).toBe('restoring');
    await reloaded.persistor.flush();
    expect(localStorage.getItem(browser.authName)).toContain('a session may exist');
    await vi.advanceTimersByTimeAsync(1_000);
    await reloaded.persistor.flush();
    expect(selectSessionStatus(reloaded.store.getState())).toBe('signed-in');
    expect(localStorage.getItem(browser.authName)).toContain('a session may exist');
  });
});

test('a session a reload restored by a refresh is announced to the other tabs', async () => {
  const server = createRotatingServer();
  const browser = browserOf(server);
  await browser.signInAndClose('A');
  // A tab that could not answer in time (asked before it had a session) still hears of the restore.
  const reloaded = await browser.openTab('A');
  const late = await browser.openTab('B');
  await vi.advanceTimersByTimeAsync(1_000);
  expect(browser.calls).toHaveLength(1);
  expect(selectAuthToken(late.store.getState())).toBe(selectAuthToken(reloaded.store.getState()));
  expect(selectIsAuthenticated(late.store.getState())).toBe(true);
});

test('secure mode with an engine of its own keeps only the hint there', async () => {
  const { createMemoryStorage } = await import('./support/memoryStorage');
  const memory = createMemoryStorage();
  const server = createRotatingServer();
  const authName = uniqueAuthName();
  const { store, persistor } = await makeStore({
    authName,
    authType: 'memory',
    storage: memory.storage,
    refresh: createRefresh({ refreshApiCallback: async () => ({ isSuccess: false }) }),
  });
  const issued = server.login();
  store.dispatch(signIn({ auth: { token: issued.accessToken } }));
  await persistor.flush();
  expect(memory.data.get(authName)).toContain('a session may exist');
  expect(memory.data.get(authName)).not.toContain(middleThird(issued.accessToken));
});
