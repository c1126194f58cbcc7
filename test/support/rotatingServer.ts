import type { RefreshApiCallbackParam, RefreshApiResult } from 'redux-auth-kit';
import { jwtFor } from './jwt';

export interface RotatingServerOptions {
  /** Access-token lifetime in seconds. Default 60. */
  accessTtl?: number;
  /** Refresh-token lifetime in seconds (sent as `refreshExpiresIn`). Default 3600. */
  refreshTtl?: number;
  /**
   * What a spent refresh token gets: `'revoke-family'` (default) treats it as
   * theft and revokes the whole family, as production servers do; `'reject'`
   * only refuses it (servers with a reuse grace window).
   */
  onReuse?: 'revoke-family' | 'reject';
}

export type RefreshAnswer =
  | { ok: true; accessToken: string; refreshToken: string }
  | { ok: false; reason: 'reuse' | 'revoked' | 'unknown' | 'expired' };

interface TokenRecord {
  family: string;
  status: 'current' | 'spent';
  expiresAt: number;
}

interface Family {
  current: string;
  revoked: boolean;
}

/** One refresh request the server received. */
export interface ServerCall {
  at: number;
  tab: string;
  refreshToken: string | undefined;
  answer: RefreshAnswer;
}

/** One call of a client's `refreshApiCallback`, whether or not it reached the server. */
export interface ClientCall {
  at: number;
  refreshToken: string | undefined;
  authToken: string | undefined;
  signal: AbortSignal;
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

type Hook = { kind: 'hang'; gate: Deferred<RefreshApiResult> } | { kind: 'delay'; ms: number };

const abortable = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });

/**
 * A model auth server with rotating refresh tokens and reuse detection: every
 * refresh spends the family's current token and issues the next one; a spent
 * token coming back revokes the whole family (`reuseDetections`), as
 * production servers do; unknown, expired or revoked tokens are refused.
 */
export function createRotatingServer(options: RotatingServerOptions = {}) {
  const accessTtl = options.accessTtl ?? 60;
  const refreshTtl = options.refreshTtl ?? 3600;
  const onReuse = options.onReuse ?? 'revoke-family';
  const tokens = new Map<string, TokenRecord>();
  const families = new Map<string, Family>();
  /** How often each refresh token was presented. */
  const tokensSeen = new Map<string, number>();
  /** Every refresh token issued, in order. */
  const issued: string[] = [];
  /** Every access token issued, in order. */
  const accessTokens: string[] = [];
  const access = (): string => {
    const token = jwtFor(accessTtl);
    accessTokens.push(token);
    return token;
  };
  const log: ServerCall[] = [];
  const counters = { refreshCalls: 0, reuseDetections: 0, spentRejections: 0, rejections: 0 };
  let familySerial = 0;
  let tokenSerial = 0;

  function issue(family: string): string {
    const refreshToken = `rt-${family}-${++tokenSerial}`;
    tokens.set(refreshToken, { family, status: 'current', expiresAt: Date.now() + refreshTtl * 1000 });
    issued.push(refreshToken);
    const record = families.get(family);
    if (record !== undefined) record.current = refreshToken;
    return refreshToken;
  }

  function login() {
    const family = `f${++familySerial}`;
    families.set(family, { current: '', revoked: false });
    const refreshToken = issue(family);
    return { accessToken: access(), refreshToken, family, refreshExpiresIn: refreshTtl };
  }

  function answer(refreshToken: string | undefined): RefreshAnswer {
    if (refreshToken === undefined) return { ok: false, reason: 'unknown' };
    const record = tokens.get(refreshToken);
    const family = record === undefined ? undefined : families.get(record.family);
    if (record === undefined || family === undefined) return { ok: false, reason: 'unknown' };
    if (family.revoked) return { ok: false, reason: 'revoked' };
    if (record.status === 'spent') {
      if (onReuse === 'revoke-family') {
        counters.reuseDetections += 1;
        family.revoked = true;
      } else {
        counters.spentRejections += 1;
      }
      return { ok: false, reason: 'reuse' };
    }
    if (record.expiresAt <= Date.now()) return { ok: false, reason: 'expired' };
    record.status = 'spent';
    return { ok: true, accessToken: access(), refreshToken: issue(record.family) };
  }

  /** The server side of one refresh request. */
  function refresh(refreshToken: string | undefined, tab = 'direct'): RefreshAnswer {
    counters.refreshCalls += 1;
    if (refreshToken !== undefined) tokensSeen.set(refreshToken, (tokensSeen.get(refreshToken) ?? 0) + 1);
    const result = answer(refreshToken);
    if (!result.ok) counters.rejections += 1;
    log.push({ at: Date.now(), tab, refreshToken, answer: result });
    return result;
  }

  /**
   * A `refreshApiCallback` calling this server, labelled `tab` in the log.
   * Every call waits `latencyMs` (a network round trip; aborting the signal
   * before then cancels the request before it reaches the server). Hooks
   * apply to this client's calls in order: `hangNext()` makes the next call
   * never reach the server and settle only when the test says so;
   * `delayNext(ms)` adds to the next call's latency.
   */
  function client(tab: string, clientOptions: { latencyMs?: number } = {}) {
    const latencyMs = clientOptions.latencyMs ?? 0;
    const hooks: Hook[] = [];
    const calls: ClientCall[] = [];
    async function callback(param: RefreshApiCallbackParam): Promise<RefreshApiResult> {
      calls.push({
        at: Date.now(),
        refreshToken: param.refreshToken,
        authToken: param.authToken,
        signal: param.signal,
      });
      const hook = hooks.shift();
      if (hook?.kind === 'hang') return hook.gate.promise;
      const wait = latencyMs + (hook?.kind === 'delay' ? hook.ms : 0);
      if (wait > 0) await abortable(wait, param.signal);
      const result = refresh(param.refreshToken, tab);
      return result.ok
        ? {
            isSuccess: true,
            newAuthToken: result.accessToken,
            newRefreshToken: result.refreshToken,
            newRefreshTokenExpiresIn: refreshTtl,
          }
        : { isSuccess: false };
    }
    return {
      callback,
      calls,
      hangNext(): Deferred<RefreshApiResult> {
        const gate = deferred<RefreshApiResult>();
        hooks.push({ kind: 'hang', gate });
        return gate;
      },
      delayNext(ms: number): void {
        hooks.push({ kind: 'delay', ms });
      },
    };
  }

  return {
    login,
    refresh,
    client,
    /** Revokes a family (an admin action, a password change). */
    revoke(family: string): void {
      const record = families.get(family);
      if (record !== undefined) record.revoked = true;
    },
    /** The family's live refresh token, or `null` once revoked. */
    current(family: string): string | null {
      const record = families.get(family);
      return record === undefined || record.revoked ? null : record.current;
    },
    counters,
    tokensSeen,
    issued,
    accessTokens,
    log,
    /** Refresh tokens presented more than once. */
    sentTwice: (): string[] => [...tokensSeen].filter(([, n]) => n > 1).map(([token]) => token),
  };
}

export type RotatingServer = ReturnType<typeof createRotatingServer>;
export type RotatingClient = ReturnType<RotatingServer['client']>;
