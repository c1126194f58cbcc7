import { describe, expect, test } from 'vitest';
import { nextRefreshAt } from 'redux-auth-kit';
import { backoffDelay, dueSteps, nextAttemptAt, nextWakeAt, refreshDueAt } from '../src/refresh/schedule';
import { sessionOf, stateOf, T0 } from './support/states';

const session = sessionOf;
const state = stateOf;

const policy = { hasCallback: true, intervalMs: null, marginMs: 60_000 };

describe('refreshDueAt', () => {
  test('a ten-minute token is due one margin before expiry', () => {
    expect(refreshDueAt(session(), policy)).toBe(T0 + 540_000);
  });

  test('the margin is capped at half the lifetime of a short token', () => {
    expect(refreshDueAt(session({ expiresAt: T0 + 10_000 }), policy)).toBe(T0 + 5_000);
  });

  test('an interval earlier than expiry wins', () => {
    expect(refreshDueAt(session(), { ...policy, intervalMs: 10_000 })).toBe(T0 + 10_000);
  });

  test('an opaque token with unknown expiry is due by interval alone', () => {
    expect(refreshDueAt(session({ expiresAt: null }), { ...policy, intervalMs: 30_000 })).toBe(T0 + 30_000);
    expect(refreshDueAt(session({ expiresAt: null }), policy)).toBeNull();
  });
});

describe('nextWakeAt and dueSteps', () => {
  test('nothing is due for a signed-out state', () => {
    expect(nextWakeAt(state(null), policy)).toBeNull();
    expect(dueSteps(state(null), policy, T0 + 1e9)).toEqual([]);
  });

  test('the next wake is the refresh, and it is due exactly then', () => {
    const s = state(session());
    expect(nextWakeAt(s, policy)).toBe(T0 + 540_000);
    expect(dueSteps(s, policy, T0 + 539_999)).toEqual([]);
    expect(dueSteps(s, policy, T0 + 540_000)).toEqual(['refresh']);
  });

  test('while a refresh is in flight only expiry and the end of the session are waited for', () => {
    const s = state(session(), { status: 'refreshing' });
    expect(nextWakeAt(s, policy)).toBe(T0 + 600_000);
    expect(dueSteps(s, policy, T0 + 600_000)).toEqual(['expire']);
  });

  test('after a transient failure the retry time is what is due', () => {
    const s = state(session(), { status: 'retrying', failures: 1, retryAt: T0 + 545_000 });
    expect(nextWakeAt(s, policy)).toBe(T0 + 545_000);
    expect(dueSteps(s, policy, T0 + 700_000)).toEqual(['expire', 'refresh']);
  });

  test('an expired refresh token ends the session and nothing else happens', () => {
    const s = state(session({ refreshExpiresAt: T0 + 100 }));
    expect(nextWakeAt(s, policy)).toBe(T0 + 100);
    expect(dueSteps(s, policy, T0 + 100)).toEqual(['end']);
  });

  test('a session that cannot be refreshed ends when its access token expires', () => {
    const s = state(session({ refreshToken: null, refreshExpiresAt: null }));
    expect(nextWakeAt(s, policy)).toBe(T0 + 600_000);
    expect(dueSteps(s, { ...policy, hasCallback: false }, T0 + 600_000)).toEqual(['end']);
  });
});

describe('backoffDelay', () => {
  test('doubles per failure, is capped, and jitters into the upper half', () => {
    expect(backoffDelay({ failures: 0, baseMs: 2_000, maxMs: 60_000, random: 1 })).toBe(2_000);
    expect(backoffDelay({ failures: 0, baseMs: 2_000, maxMs: 60_000, random: 0 })).toBe(1_000);
    expect(backoffDelay({ failures: 3, baseMs: 2_000, maxMs: 60_000, random: 1 })).toBe(16_000);
    expect(backoffDelay({ failures: 10, baseMs: 2_000, maxMs: 60_000, random: 1 })).toBe(60_000);
    expect(backoffDelay({ failures: 1_000, baseMs: 2_000, maxMs: 60_000, random: 0.5 })).toBe(45_000);
  });
});

describe('nextAttemptAt', () => {
  const backoff = { failures: 0, baseMs: 2_000, maxMs: 60_000, random: 1 };
  test('is the backoff from now', () => {
    expect(nextAttemptAt({ ...backoff, now: T0, notBefore: 0 })).toBe(T0 + 2_000);
  });
  test('is never before a timed-out call has waited out its grace', () => {
    expect(nextAttemptAt({ ...backoff, now: T0, notBefore: T0 + 5_000 })).toBe(T0 + 5_000);
  });
});

describe('nextRefreshAt', () => {
  const refreshApiCallback = async () => ({ isSuccess: false }) as const;
  test('is the due time of an idle session, the retry time while backing off, null otherwise', () => {
    const options = { refreshApiCallback, margin: 60 };
    expect(nextRefreshAt({ auth: state(session()) }, options)).toBe(T0 + 540_000);
    expect(nextRefreshAt({ auth: state(session()) }, { ...options, interval: 10 })).toBe(T0 + 10_000);
    expect(nextRefreshAt({ auth: state(session(), { status: 'retrying', retryAt: T0 + 7 }) }, options)).toBe(
      T0 + 7,
    );
    expect(nextRefreshAt({ auth: state(session(), { status: 'refreshing' }) }, options)).toBeNull();
    expect(nextRefreshAt({ auth: state(session({ refreshToken: null })) }, options)).toBeNull();
    expect(nextRefreshAt({ auth: state(null) }, options)).toBeNull();
    expect(nextRefreshAt({ auth: state(session()) }, undefined)).toBeNull();
  });

  test('in secure mode a session without a refresh token of its own is refreshed too', () => {
    const options = { refreshApiCallback, margin: 60 };
    const cookieOnly = { auth: state(session({ refreshToken: null })) };
    expect(nextRefreshAt(cookieOnly, options)).toBeNull();
    expect(nextRefreshAt(cookieOnly, options, { authType: 'memory' })).toBe(T0 + 540_000);
  });
});
