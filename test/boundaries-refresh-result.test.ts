// A refresh result is an input like any other: a newAuthUserState JSON cannot hold never
// reaches the state (which must stay serializable for DevTools, replay and storage).
import { expect, test } from 'vitest';
import {
  createRefresh,
  refreshNow,
  selectAuthUser,
  selectIsAuthenticated,
  signIn,
  type RefreshApiResult,
} from 'redux-auth-kit';
import { withFakeClock } from './support/clock';
import { makeStore, uniqueAuthName } from './support/harness';
import { checkInvariants } from './support/invariants';
import { jwtFor } from './support/jwt';
import { createMemoryStorage } from './support/memoryStorage';

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
