import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { readSettings } from '../../example-app/server/settings.mjs';

const exampleApp = fileURLToPath(new URL('../../example-app/', import.meta.url));

/** Runs an example-app script with `env` added to a clean environment; it must end by itself. */
function run(script: 'start.mjs' | 'dev.mjs', env: Record<string, string>) {
  const { PATH, HOME } = process.env;
  const result = spawnSync(process.execPath, [script], {
    cwd: exampleApp,
    env: { PATH, HOME, ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, error: result.error };
}

describe("the example app's start scripts", () => {
  for (const [env, named] of [
    [
      { ACCESS_TTL: 'abc' },
      'ACCESS_TTL must be a whole number of seconds from 1 to 34560000 (400 days), got "abc"',
    ],
    [
      { REFRESH_TTL: '-5' },
      'REFRESH_TTL must be a whole number of seconds from 1 to 34560000 (400 days), got "-5"',
    ],
    [
      { ACCESS_TTL: '2.5' },
      'ACCESS_TTL must be a whole number of seconds from 1 to 34560000 (400 days), got "2.5"',
    ],
    [{ PORT: '99999' }, 'PORT must be a whole number from 0 to 65535 (0: any free port), got "99999"'],
    [{ PORT: 'http' }, 'PORT must be a whole number from 0 to 65535 (0: any free port), got "http"'],
  ] as const) {
    test(`npm start with ${JSON.stringify(env)} exits with status 1 and one line naming the bad value, before building anything`, () => {
      const result = run('start.mjs', env);
      expect(result.error).toBeUndefined();
      expect(result.status).toBe(1);
      expect(result.stderr).toBe(`Cannot start the example app: ${named}.\n`);
      expect(result.stdout).toBe('');
    });
  }

  test('npm start names every bad value in its one line', () => {
    const result = run('start.mjs', { PORT: '-1', ACCESS_TTL: '0', REFRESH_TTL: '1e3' });
    expect(result.status).toBe(1);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(
      /PORT must .* got "-1"; ACCESS_TTL must .* got "0"; REFRESH_TTL must .* got "1e3"\.$/m,
    );
  });

  test('the development server refuses a bad value the same way', () => {
    const result = run('dev.mjs', { ACCESS_TTL: 'abc' });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      'Cannot start the example app: ACCESS_TTL must be a whole number of seconds from 1 to 34560000 (400 days), got "abc".\n',
    );
  });

  test('unset or empty values take the defaults, and whole numbers in range are taken as they are', () => {
    expect(readSettings({})).toEqual({ ok: true, settings: { port: 5173, accessTtl: 30, refreshTtl: 3600 } });
    expect(readSettings({ PORT: '', ACCESS_TTL: '', REFRESH_TTL: '' })).toEqual(readSettings({}));
    expect(readSettings({ PORT: '0', ACCESS_TTL: '1', REFRESH_TTL: '34560000' })).toEqual({
      ok: true,
      settings: { port: 0, accessTtl: 1, refreshTtl: 34560000 },
    });
    expect(readSettings({ PORT: '65535', ACCESS_TTL: '10', REFRESH_TTL: '60' })).toEqual({
      ok: true,
      settings: { port: 65535, accessTtl: 10, refreshTtl: 60 },
    });
    expect(readSettings({ REFRESH_TTL: '34560001' }).ok).toBe(false);
  });
});
