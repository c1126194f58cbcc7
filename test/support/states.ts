import type { AuthSession, AuthState } from 'redux-auth-kit';

/** A fixed instant the plain-value tests count from. */
export const T0 = 1_000_000;

/** A ten-minute session signed in at T0 with a one-hour refresh token; override any field. */
export function sessionOf(overrides: Partial<AuthSession> = {}): AuthSession {
  return {
    id: 's1',
    generation: 0,
    token: 'a.b.c',
    tokenType: 'Bearer',
    expiresAt: T0 + 600_000,
    receivedAt: T0,
    startedAt: T0,
    refreshToken: 'r',
    refreshExpiresAt: T0 + 3_600_000,
    userState: null,
    ...overrides,
  };
}

/** An auth state holding `session`, storage read, refresh bookkeeping idle unless told otherwise. */
export function stateOf(
  session: AuthSession | null,
  refresh: Partial<AuthState['refresh']> = {},
  tokenExpired = false,
): AuthState {
  return {
    session,
    tokenExpired,
    restoring: false,
    refresh: { status: 'idle', failures: 0, lastFailure: null, retryAt: null, checks: 0, ...refresh },
    storageRead: true,
  };
}
