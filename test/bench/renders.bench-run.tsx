// @vitest-environment jsdom
// Renders per refresh: components reading one hook each, under a signed-in
// store whose scheduler refreshes the session REFRESHES times (fake timers).
import { act, cleanup, render } from '@testing-library/react';
import { afterAll, afterEach, beforeEach, expect, test, vi } from 'vitest';
import { createRefresh, signIn, type RefreshApiResult } from 'redux-auth-kit';
import {
  AuthProvider,
  useAuthHeader,
  useAuthUser,
  useIsAuthenticated,
  useRefreshStatus,
  useSessionStatus,
} from 'redux-auth-kit/react';
import { makeStore, uniqueAuthName } from '../support/harness';
import { jwtFor } from '../support/jwt';
import { createMemoryStorage } from '../support/memoryStorage';
import { writeResults } from './results';

const REFRESHES = 5;
/** A 120 s token with the default 60 s margin is refreshed every 60 s. */
const LIFETIME_S = 120;
const CYCLE_MS = 60_000;

interface User {
  name: string;
}

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

function probe<T>(useValue: () => T) {
  const seen = { renders: 0 };
  function Probe(): null {
    useValue();
    seen.renders += 1;
    return null;
  }
  return { Probe, seen };
}

const figures: Record<string, number> = {};
afterAll(() => writeResults('renders', { refreshes: REFRESHES, perRefresh: figures }));

test('renders per scheduled refresh, per hook', async () => {
  const refreshApiCallback = vi.fn(async (): Promise<RefreshApiResult<User>> => ({
    isSuccess: true,
    newAuthToken: jwtFor(LIFETIME_S),
    // The same user in a new object, as a server would send it.
    newAuthUserState: { name: 'Ada' },
  }));
  const { store } = await makeStore<User>({
    authName: uniqueAuthName(),
    storage: createMemoryStorage().storage,
    refresh: createRefresh<User>({ refreshApiCallback }),
  });
  store.dispatch(
    signIn({ auth: { token: jwtFor(LIFETIME_S) }, refresh: 'rt-1', userState: { name: 'Ada' } }),
  );

  const probes = {
    useAuthHeader: probe(useAuthHeader),
    useAuthUser: probe(() => useAuthUser<User>()),
    useIsAuthenticated: probe(useIsAuthenticated),
    useSessionStatus: probe(useSessionStatus),
    useRefreshStatus: probe(useRefreshStatus),
  };
  render(
    <AuthProvider store={store}>
      {Object.entries(probes).map(([name, { Probe }]) => (
        <Probe key={name} />
      ))}
    </AuthProvider>,
  );
  const mounted = Object.fromEntries(Object.entries(probes).map(([name, p]) => [name, p.seen.renders]));

  for (let i = 0; i < REFRESHES; i += 1) await act(() => vi.advanceTimersByTimeAsync(CYCLE_MS));

  // A measurement, not a verdict: only check that the refreshes being counted happened.
  expect(refreshApiCallback).toHaveBeenCalledTimes(REFRESHES);
  for (const [name, p] of Object.entries(probes)) {
    figures[name] = (p.seen.renders - (mounted[name] ?? 0)) / REFRESHES;
  }
});
