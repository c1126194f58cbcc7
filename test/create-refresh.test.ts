import { describe, expect, test } from 'vitest';
import {
  AuthError,
  createAuthListener,
  createRefresh,
  type RefreshApiResult,
  type RefreshOptions,
} from 'redux-auth-kit';

const callback = async (): Promise<RefreshApiResult> => ({ isSuccess: false });

/** Passes a value the types forbid, as plain JavaScript callers can. */
const loose = (options: Record<string, unknown>): RefreshOptions => options as unknown as RefreshOptions;

function errorOf(run: () => unknown): AuthError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toBeInstanceOf(Error);
    return error as AuthError;
  }
  throw new Error('expected createRefresh to throw');
}

describe('createRefresh validates its options', () => {
  const badDurations: Array<[string, unknown]> = [
    ['interval', 0],
    ['interval', -1],
    ['interval', Number.NaN],
    ['interval', Number.POSITIVE_INFINITY],
    ['interval', '10'],
    ['interval', null],
    ['margin', -1],
    ['margin', Number.NaN],
    ['margin', '60'],
    ['timeout', 0],
    ['timeout', -5],
    ['timeout', Number.POSITIVE_INFINITY],
    ['retryDelay', 0],
    ['maxRetryDelay', -1],
  ];

  test.each(badDurations)('%s = %s is refused with invalid-option naming the option', (name, value) => {
    const error = errorOf(() => createRefresh(loose({ refreshApiCallback: callback, [name]: value })));
    expect(error.code).toBe('invalid-option');
    expect(error.message).toContain(`"${name}"`);
  });

  const badCallbacks: Array<[string, Record<string, unknown>]> = [
    ['a missing callback', {}],
    ['an undefined callback', { refreshApiCallback: undefined }],
    ['a string callback', { refreshApiCallback: 'https://example.test/refresh' }],
    ['an object callback', { refreshApiCallback: { url: '/refresh' } }],
  ];

  test.each(badCallbacks)(
    '%s is refused with invalid-option naming refreshApiCallback',
    (_label, options) => {
      const error = errorOf(() => createRefresh(loose({ interval: 10, ...options })));
      expect(error.code).toBe('invalid-option');
      expect(error.message).toContain('refreshApiCallback');
    },
  );

  test.each([undefined, null, 'interval=10'])('options %s are refused with invalid-option', (options) => {
    const error = errorOf(() => createRefresh(options as unknown as RefreshOptions));
    expect(error.code).toBe('invalid-option');
  });

  test('the seed example options are returned as given', () => {
    const options = { interval: 10, refreshApiCallback: callback };
    expect(createRefresh(options)).toBe(options);
  });

  test('every valid duration is accepted, including a zero margin', () => {
    const options = {
      interval: 0.5,
      margin: 0,
      timeout: 30,
      retryDelay: 1,
      maxRetryDelay: 120,
      refreshApiCallback: callback,
    };
    const returned = createRefresh(options);
    expect(returned).toBe(options);
    expect(returned).toEqual({ ...options });
  });

  test('interval is optional when tokens carry their own expiry', () => {
    const options = { refreshApiCallback: callback };
    expect(createRefresh(options)).toBe(options);
  });
});

describe('createAuthListener validates wallClockCheck the same way', () => {
  test.each([-1, Number.NaN, Infinity, '1', 2_147_484])('wallClockCheck = %s is refused', (value) => {
    const error = errorOf(() => createAuthListener({ wallClockCheck: value as number }));
    expect(error).toBeInstanceOf(AuthError);
    expect(error.code).toBe('invalid-option');
    expect(error.message).toContain('"wallClockCheck" must be >= 0 seconds');
  });

  test.each([0, 0.5, 1, 2_147_483])('wallClockCheck = %s is accepted (0 turns the check off)', (value) => {
    createAuthListener({ wallClockCheck: value }).dispose();
  });
});
