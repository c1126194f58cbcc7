import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromiumPath } from '../../example-app/chromium.mjs';

describe('CHROMIUM_PATH, which picks the browser the suites drive', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'redux-auth-kit-chromium-'));
    await writeFile(join(dir, 'chrome'), '#!/bin/sh\n');
    await chmod(join(dir, 'chrome'), 0o755);
    await writeFile(join(dir, 'readme.txt'), 'not a browser');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  test('an executable file it names is the one launched', () => {
    expect(chromiumPath({ CHROMIUM_PATH: join(dir, 'chrome') })).toBe(join(dir, 'chrome'));
  });

  test('a missing path, a file that cannot be executed or a directory is refused with a sentence naming it', () => {
    for (const path of [join(dir, 'missing'), join(dir, 'readme.txt'), dir]) {
      expect(() => chromiumPath({ CHROMIUM_PATH: path })).toThrow(
        `CHROMIUM_PATH is "${path}", which is not an executable file. Point it at a Chromium or Chrome executable, or unset it to use /usr/bin/chromium.`,
      );
    }
  });
});
