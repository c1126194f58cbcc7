// The Chromium the browser tests and screenshot.mjs drive through playwright-core:
// a system browser (Debian's by default), never one Playwright downloads.

import { accessSync, constants, statSync } from 'node:fs';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** Flags for a quiet headless run: no GPU, no sandbox (containers), nothing phoning home. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * The Chromium to launch: `CHROMIUM_PATH` from `env`, else /usr/bin/chromium.
 * Throws one plain sentence when there is no executable there, instead of
 * Playwright's launch log.
 *
 * @param {Record<string, string | undefined>} [env]
 * @returns {string}
 */
export function chromiumPath(env = process.env) {
  const fromEnv = env.CHROMIUM_PATH;
  const path = fromEnv === undefined || fromEnv === '' ? DEFAULT_CHROMIUM : fromEnv;
  if (!isExecutableFile(path)) {
    throw new Error(
      fromEnv === undefined || fromEnv === ''
        ? `No Chromium at ${path}. Install it (Debian: apt-get install chromium) or set CHROMIUM_PATH to a Chromium or Chrome executable.`
        : `CHROMIUM_PATH is "${path}", which is not an executable file. Point it at a Chromium or Chrome executable, or unset it to use ${DEFAULT_CHROMIUM}.`,
    );
  }
  return path;
}

function isExecutableFile(path) {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
