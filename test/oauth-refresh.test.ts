// Refreshing against a real OAuth 2.0 server (@node-oauth/oauth2-server) over real HTTP:
// rotating refresh tokens, reuse revoking the family, a deny-list. Access tokens are JWTs
// living 60 s, so a refresh is due 30 s after each one arrives.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  createRefresh,
  selectAuthToken,
  selectIsAuthenticated,
  selectRefreshToken,
  signIn,
  type AuthRootState,
} from 'redux-auth-kit';
import { TIMERS_AND_DATE, withFakeClock } from './support/clock';
import { makeStore, uniqueAuthName } from './support/harness';
import { checkInvariants, storageProbe } from './support/invariants';
import { createMemoryStorage } from './support/memoryStorage';
import { oauthRefresh, signInPayload, startOAuthServer, type OAuthTestServer } from './support/oauthServer';
import { openTabs } from './support/tabs';

const LIFETIMES = 10;
const HALF_LIFE = 30_000;

let server: OAuthTestServer;
withFakeClock({ toFake: TIMERS_AND_DATE });
beforeEach(async () => {
  server = await startOAuthServer({ accessTokenLifetime: 60 });
});
afterEach(async () => {
  await server.close();
});

/** Whether the protected resource accepts `state`'s access token. */
async function accepted(state: AuthRootState): Promise<boolean> {
  const token = selectAuthToken(state);
  const res = await server.fetch(server.resourceUrl, { headers: { authorization: `Bearer ${token}` } });
  return res.status === 200;
}

describe('one refresh per token lifetime', () => {
  test.each(['jwt', 'opaque'] as const)(
    'one tab makes one refresh per access token (%s), sends every refresh token once and keeps a token the resource accepts',
    async (accessTokens) => {
      if (accessTokens === 'opaque') {
        // Opaque access tokens: their lifetime comes only in expires_in (expiresIn / newAuthTokenExpireIn).
        await server.close();
        server = await startOAuthServer({ accessTokenLifetime: 60, accessTokens });
      }
      const { store } = await makeStore({
        authName: uniqueAuthName(),
        storage: createMemoryStorage().storage,
        refresh: createRefresh({ refreshApiCallback: oauthRefresh(server) }),
      });
      const login = await server.login();
      expect(login.access_token.includes('.')).toBe(accessTokens === 'jwt');
      store.dispatch(signIn(signInPayload(login)));
      const family = server.familyOf(login.refresh_token!)!;

      for (let lifetime = 1; lifetime <= LIFETIMES; lifetime += 1) {
        await server.advance(HALF_LIFE);
        expect(server.counters.refreshGrants, `refreshes after ${lifetime} token lifetimes`).toBe(lifetime);
        expect(selectRefreshToken(store.getState())).toBe(server.current(family));
        expect(await accepted(store.getState())).toBe(true);
      }
      expect(server.counters.rotations).toBe(LIFETIMES);
      expect(server.counters.reuseDetections).toBe(0);
      expect(server.sentTwice()).toEqual([]);
    },
  );

  test('four tabs sharing storage make one refresh per access token between them, and stay on the same tokens', async () => {
    const { tabs, expectInSync } = await openTabs({
      count: 4,
      refreshApiCallback: () => oauthRefresh(server),
    });
    const login = await server.login();
    tabs[0]!.store.dispatch(signIn(signInPayload(login)));
    const family = server.familyOf(login.refresh_token!)!;
    await server.advance(100);
    expectInSync();

    for (let lifetime = 1; lifetime <= LIFETIMES; lifetime += 1) {
      await server.advance(HALF_LIFE);
      expect(server.counters.refreshGrants, `refreshes after ${lifetime} token lifetimes`).toBe(lifetime);
      const now = expectInSync();
      expect(now.signedIn).toBe(true);
      expect(now.refreshToken).toBe(server.current(family));
    }
    expect(await accepted(tabs[3]!.store.getState())).toBe(true);
    expect(server.counters.reuseDetections).toBe(0);
    expect(server.sentTwice()).toEqual([]);
  });
});

describe('revocation', () => {
  test('revoking the family at the server signs every tab out at the next refresh, and no storage keeps a token', async () => {
    const { tabs, memory, authName, flushAll } = await openTabs({
      count: 4,
      refreshApiCallback: () => oauthRefresh(server),
    });
    const login = await server.login();
    tabs[0]!.store.dispatch(signIn(signInPayload(login)));
    await server.advance(HALF_LIFE + 100);
    expect(server.counters.rotations).toBe(1);
    const tokens = new Set([login.access_token, login.refresh_token!]);
    for (const tab of tabs) {
      tokens.add(selectAuthToken(tab.store.getState())!);
      tokens.add(selectRefreshToken(tab.store.getState())!);
    }

    server.revoke(server.familyOf(login.refresh_token!)!);
    expect(await accepted(tabs[0]!.store.getState()), 'the resource refuses a revoked token').toBe(false);
    await server.advance(HALF_LIFE);
    for (const tab of tabs) expect(selectIsAuthenticated(tab.store.getState()), tab.label).toBe(false);
    await flushAll();
    checkInvariants(
      tabs.map((tab) => tab.store.getState()),
      storageProbe({ authName, memory: memory.data, tokens }),
    );
    expect(server.counters.reuseDetections).toBe(0);
  });
});
