import { describe, expect, test, vi } from 'vitest';
import { withFakeClock } from './support/clock';
import { createChannelHub } from './support/channel';
import { createLockManager } from './support/locks';
import { createRotatingServer } from './support/rotatingServer';

// The fakes the cross-tab tests stand on must behave like the browser and a real server.

withFakeClock();

function gate() {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe('the in-process lock manager', () => {
  test('grants one holder at a time, in request order, and releases when the callback settles', async () => {
    const locks = createLockManager();
    const order: string[] = [];
    const first = gate();
    const a = locks.request('L', {}, async () => {
      order.push('a');
      await first.promise;
      return 'A';
    });
    const b = locks.request('L', {}, async () => {
      order.push('b');
      return 'B';
    });
    const c = locks.request('L', {}, async () => {
      order.push('c');
      throw new Error('c failed');
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(order).toEqual(['a']);
    expect(locks.waiting('L')).toBe(2);
    first.open();
    await expect(a).resolves.toBe('A');
    await expect(b).resolves.toBe('B');
    await expect(c).rejects.toThrow('c failed');
    expect(order).toEqual(['a', 'b', 'c']);
    expect(locks.isHeld('L')).toBe(false);
    expect(locks.stats).toMatchObject({ grants: 3, releases: 3, steals: 0 });
  });

  test('an aborted waiting request rejects with AbortError and leaves the queue', async () => {
    const locks = createLockManager();
    const held = locks.hold('L');
    await held.granted;
    const controller = new AbortController();
    const callback = vi.fn(async () => 'never');
    const waiting = locks.request('L', { signal: controller.signal }, callback);
    expect(locks.waiting('L')).toBe(1);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    expect(locks.waiting('L')).toBe(0);
    held.release();
    await vi.advanceTimersByTimeAsync(0);
    expect(callback).not.toHaveBeenCalled();
    await expect(held.outcome).resolves.toBe('released');
  });

  test('a steal is granted at once; the old holder is told with AbortError and keeps running without the lock', async () => {
    const locks = createLockManager();
    const stillRunning = gate();
    let oldHolderFinished = false;
    const old = locks.request('L', {}, async () => {
      await stillRunning.promise;
      oldHolderFinished = true;
    });
    const next = locks.request('L', {}, async () => 'next');
    await vi.advanceTimersByTimeAsync(0);
    const thief = gate();
    const stolen = locks.request('L', { steal: true }, async () => {
      await thief.promise;
      return 'thief';
    });
    await expect(old).rejects.toMatchObject({ name: 'AbortError' });
    expect(locks.stats.steals).toBe(1);
    // The old holder settling releases nothing: the thief still holds the lock.
    stillRunning.open();
    await vi.advanceTimersByTimeAsync(0);
    expect(oldHolderFinished).toBe(true);
    expect(locks.isHeld('L')).toBe(true);
    expect(locks.waiting('L')).toBe(1);
    thief.open();
    await expect(stolen).resolves.toBe('thief');
    await expect(next).resolves.toBe('next');
  });
});

describe('the in-process BroadcastChannel hub', () => {
  test('delivers a clone to every other open channel of the name, as a task, and nothing after close', async () => {
    const hub = createChannelHub();
    const [a, b, c, other] = [hub('n'), hub('n'), hub('n'), hub('m')];
    const got = { a: [] as unknown[], b: [] as unknown[], c: [] as unknown[], other: [] as unknown[] };
    a.addEventListener('message', (e) => got.a.push(e.data));
    b.addEventListener('message', (e) => got.b.push(e.data));
    c.addEventListener('message', (e) => got.c.push(e.data));
    other.addEventListener('message', (e) => got.other.push(e.data));
    const message = { n: 1 };
    a.postMessage(message);
    c.close();
    await Promise.resolve();
    expect(got.b).toEqual([]);
    await vi.advanceTimersByTimeAsync(0);
    expect(got).toEqual({ a: [], b: [{ n: 1 }], c: [], other: [] });
    expect(got.b[0]).not.toBe(message);
    expect(() => c.postMessage('x')).toThrow();
  });

  test('drops what the drop rule says, and delays by the delay knob', async () => {
    const hub = createChannelHub();
    const a = hub.as('A')('n');
    const b = hub.as('B')('n');
    const c = hub.as('C')('n');
    const got: string[] = [];
    b.addEventListener('message', () => got.push('B'));
    c.addEventListener('message', () => got.push('C'));
    hub.knobs.drop = (d) => d.to === 'B';
    hub.knobs.delayMs = 50;
    a.postMessage('hi');
    await vi.advanceTimersByTimeAsync(49);
    expect(got).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(got).toEqual(['C']);
    expect(hub.stats).toMatchObject({ posted: 1, delivered: 1, dropped: 1 });
  });
});

describe('the rotating auth server', () => {
  test('rotates the refresh token on every use and revokes the family when a spent one returns', () => {
    const server = createRotatingServer();
    const login = server.login();
    const first = server.refresh(login.refreshToken);
    expect(first.ok).toBe(true);
    const next = first.ok ? first.refreshToken : '';
    expect(server.current(login.family)).toBe(next);

    expect(server.refresh(login.refreshToken)).toEqual({ ok: false, reason: 'reuse' });
    expect(server.counters.reuseDetections).toBe(1);
    // The whole family is gone, including the token issued last.
    expect(server.refresh(next)).toEqual({ ok: false, reason: 'revoked' });
    expect(server.current(login.family)).toBeNull();
    expect(server.refresh('rt-unknown')).toEqual({ ok: false, reason: 'unknown' });
    expect(server.sentTwice()).toEqual([login.refreshToken]);
  });

  test('a client call aborted before it reaches the server sends nothing; a hung call never reaches it', async () => {
    const server = createRotatingServer();
    const login = server.login();
    const client = server.client('A', { latencyMs: 100 });
    const controller = new AbortController();
    const call = client.callback({
      refreshToken: login.refreshToken,
      authUserState: null,
      signal: controller.signal,
    });
    controller.abort();
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
    const hung = client.hangNext();
    const pending = client.callback({
      refreshToken: login.refreshToken,
      authUserState: null,
      signal: new AbortController().signal,
    });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(server.counters.refreshCalls).toBe(0);
    hung.resolve({ isSuccess: false });
    await expect(pending).resolves.toEqual({ isSuccess: false });
    expect(client.calls).toHaveLength(2);
  });
});
