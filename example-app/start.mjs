#!/usr/bin/env node
// One command for a new user: build the example app (production build) and
// serve it from the auth server on 127.0.0.1, same origin as /login, /refresh,
// /logout, /auth/* (secure mode's cookie routes) and /api.
//
//   node example-app/start.mjs              # http://127.0.0.1:5173
//   PORT=8080 ACCESS_TTL=10 node example-app/start.mjs
//   node example-app/start.mjs --no-build   # serve the last build
//
// Env: PORT (default 5173; 0 = any free port), ACCESS_TTL (seconds, default 30),
// REFRESH_TTL (seconds, default 3600). A bad value stops it with one line, before the build.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAuthServer } from './server/authServer.mjs';
import { settingsOrExit } from './server/settings.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, 'dist');
const skipBuild = process.argv.includes('--no-build');
const { port, accessTtl, refreshTtl } = settingsOrExit();

if (!skipBuild || !existsSync(join(outDir, 'index.html'))) {
  const { build } = await import('vite');
  console.log('Building the example app…');
  await build({
    configFile: join(here, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
}

let server;
try {
  server = await startAuthServer({
    port,
    accessTtl,
    refreshTtl,
    staticDir: outDir,
    log: (line) => console.log(`${new Date().toLocaleTimeString()}  ${line}`),
  });
} catch (error) {
  if (error?.code === 'EADDRINUSE') {
    console.error(`Port ${port} is in use. Try another one: PORT=5180 npm start`);
    process.exit(1);
  }
  if (error?.code === 'EACCES') {
    console.error(`Port ${port} needs privileges this user lacks. Try one above 1023: PORT=5180 npm start`);
    process.exit(1);
  }
  throw error;
}

console.log(`
  Lumen Console (redux-auth-kit example) is running:

    ${server.url}

  Sign in with any username and any non-empty password.
  Access tokens live ${accessTtl} s, refresh tokens ${refreshTtl} s. Stats: ${server.url}/__stats
  Press Ctrl+C to stop.
`);

const stop = () => {
  void server.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
