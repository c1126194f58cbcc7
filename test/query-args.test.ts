import { describe, expect, test } from 'vitest';
import { authorizeFetchArgs } from 'redux-auth-kit/query';

const AUTH = 'Bearer token-1';

describe('authorizeFetchArgs (the default prepareArgs)', () => {
  test('a URL string becomes { url, headers } with the header', () => {
    expect(authorizeFetchArgs('/api/data', AUTH)).toEqual({
      url: '/api/data',
      headers: { Authorization: AUTH },
    });
  });

  test('args without headers get a headers object, other fields kept', () => {
    const args = { url: '/x', method: 'POST', body: { a: 1 } };
    expect(authorizeFetchArgs(args, AUTH)).toEqual({ ...args, headers: { Authorization: AUTH } });
  });

  test('a plain headers object keeps its entries and is not changed in place', () => {
    const headers = { 'X-Trace': '1' };
    const args = { url: '/x', headers };
    expect(authorizeFetchArgs(args, AUTH)).toEqual({
      url: '/x',
      headers: { 'X-Trace': '1', Authorization: AUTH },
    });
    expect(headers).toEqual({ 'X-Trace': '1' });
  });

  test('number and boolean header values (RTK 2.15+ FetchArgs) are kept beside the header', () => {
    const args = { url: '/x', headers: { 'X-Attempt': 2, 'X-Debug': true } };
    expect(authorizeFetchArgs(args, AUTH)).toEqual({
      url: '/x',
      headers: { 'X-Attempt': 2, 'X-Debug': true, Authorization: AUTH },
    });
  });

  test('a Headers instance is copied, with the header added', () => {
    const headers = new Headers({ 'x-trace': '1' });
    const out = authorizeFetchArgs({ url: '/x', headers }, AUTH);
    expect(out.headers).toBeInstanceOf(Headers);
    expect(out.headers).not.toBe(headers);
    expect([...(out.headers as Headers).entries()]).toEqual([
      ['authorization', AUTH],
      ['x-trace', '1'],
    ]);
    expect(headers.has('authorization')).toBe(false);
  });

  test('header pairs get one more pair', () => {
    const headers = [['x-trace', '1']];
    expect(authorizeFetchArgs({ url: '/x', headers }, AUTH).headers).toEqual([
      ['x-trace', '1'],
      ['Authorization', AUTH],
    ]);
    expect(headers).toHaveLength(1);
  });

  test('an Authorization header the caller set, in any case and any shape, is left alone', () => {
    const shapes = [
      { url: '/x', headers: { authorization: 'Basic abc' } },
      { url: '/x', headers: { AUTHORIZATION: 'Basic abc' } },
      { url: '/x', headers: new Headers({ Authorization: 'Basic abc' }) },
      { url: '/x', headers: [['Authorization', 'Basic abc']] },
    ];
    for (const args of shapes) expect(authorizeFetchArgs(args, AUTH)).toBe(args);
  });

  test('an undefined Authorization value counts as unset, as fetchBaseQuery drops it', () => {
    const out = authorizeFetchArgs({ url: '/x', headers: { authorization: undefined } }, AUTH);
    expect(out.headers).toEqual({ authorization: undefined, Authorization: AUTH });
  });

  test('args that are not fetch args are returned as they are', () => {
    const args = { path: '/x' };
    expect(authorizeFetchArgs(args, AUTH)).toBe(args);
    expect(authorizeFetchArgs(42, AUTH)).toBe(42);
    expect(authorizeFetchArgs(null, AUTH)).toBe(null);
  });
});
