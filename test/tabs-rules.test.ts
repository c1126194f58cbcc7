// The cross-tab wire format and the generation marker, on plain values.
import { describe, expect, test } from 'vitest';
import { markerFor, markerReached, parseMarker } from '../src/tabs/marker';
import { parseMessage, wireMessage } from '../src/tabs/messages';
import { isJsonValue } from '../src/json';
import { compareSessions } from '../src/session';
import { sessionOf, T0 } from './support/states';

describe('the generation marker', () => {
  test('names a session generation and reads back', () => {
    const session = sessionOf({ id: 'abc_-1', generation: 7 });
    expect(markerFor(session)).toBe('abc_-1.7');
    expect(parseMarker(markerFor(session))).toEqual({ sessionId: 'abc_-1', generation: 7 });
  });

  test.each([null, '', '.7', 'abc', 'abc.', 'abc.x', 'abc.-1', 'abc.1e3'])('%j is no marker', (value) => {
    expect(parseMarker(value)).toBeNull();
  });

  test('is reached by the same session at that generation or later, never by another session', () => {
    const marker = { sessionId: 's1', generation: 2 };
    expect(markerReached(marker, sessionOf({ generation: 2 }))).toBe(true);
    expect(markerReached(marker, sessionOf({ generation: 3 }))).toBe(true);
    expect(markerReached(marker, sessionOf({ generation: 1 }))).toBe(false);
    expect(markerReached(marker, sessionOf({ id: 's2', generation: 9 }))).toBe(false);
    expect(markerReached(marker, null)).toBe(false);
  });
});

describe('cross-tab messages', () => {
  test('a session announcement and a sign-out read back as sent', () => {
    const session = sessionOf();
    expect(parseMessage(wireMessage({ session, ended: null, stored: true }))).toEqual({
      kind: 'session',
      session,
      stored: true,
    });
    expect(parseMessage(wireMessage({ session: null, ended: 's1', stored: false }))).toEqual({
      kind: 'signed-out',
      ended: 's1',
    });
  });

  test.each([
    ['nothing', undefined],
    ['another kind', { kind: 'other', session: null, ended: 's1' }],
    ['a sign-out naming no session', { kind: 'redux-auth-kit/session', session: null }],
    ['a sign-out naming a non-string', { kind: 'redux-auth-kit/session', session: null, ended: 7 }],
    ['a session of the wrong shape', { kind: 'redux-auth-kit/session', session: { id: 's1' }, stored: true }],
  ])('%s is ignored', (_name, data) => {
    expect(parseMessage(data)).toBeNull();
  });

  test.each([
    ['a Date', new Date(T0)],
    ['a Map', new Map([['a', 1]])],
    ['a BigInt', 10n],
    [
      'a cycle',
      (() => {
        const cycle: Record<string, unknown> = {};
        cycle.self = cycle;
        return cycle;
      })(),
    ],
    ['NaN', Number.NaN],
  ])('a session whose user state holds %s is ignored', (_name, value) => {
    const message = wireMessage({ session: sessionOf({ userState: { value } }), ended: null, stored: true });
    expect(parseMessage(message)).toBeNull();
  });
});

describe('isJsonValue', () => {
  test('plain JSON is', () => {
    expect(isJsonValue({ a: [1, 'x', true, null, { b: 2.5 }] })).toBe(true);
    expect(isJsonValue(Object.create(null))).toBe(true);
  });

  test('what JSON cannot hold is not', () => {
    for (const value of [undefined, () => 1, Symbol('s'), Infinity, new Date(), new (class Box {})()]) {
      expect(isJsonValue({ value })).toBe(false);
    }
  });
});

describe('compareSessions', () => {
  test('orders generations, then sign-in times, then ids for sign-ins in the same millisecond', () => {
    expect(compareSessions(sessionOf({ generation: 1 }), sessionOf())).toBeGreaterThan(0);
    expect(compareSessions(sessionOf({ id: 'x', startedAt: T0 + 1 }), sessionOf())).toBeGreaterThan(0);
    const a = sessionOf({ id: 'aaa' });
    const b = sessionOf({ id: 'bbb' });
    expect(compareSessions(a, b)).toBeLessThan(0);
    expect(compareSessions(b, a)).toBeGreaterThan(0);
    expect(compareSessions(a, a)).toBe(0);
  });
});
