#!/usr/bin/env node
// Development: the auth server on a free port, and Vite's dev server (with hot
// reload) proxying /login, /refresh, /logout, /auth/* and /api to it.
//
//   node example-app/dev.mjs        # http://127.0.0.1:5173
//
// Env: PORT (Vite's port, default 5173; taken if free, else the next one), ACCESS_TTL,
// REFRESH_TTL (seconds). A bad value stops it with one line.

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAuthServer } from './server/authServer.mjs';
import { settingsOrExit } from './server/settings.mjs';

const here = dirname(fileURLToPath(import.meta.url));

const { port, accessTtl, refreshTtl } = settingsOrExit();

const authServer = await startAuthServer({
  accessTtl,
  refreshTtl,
  log: (line) => console.log(`${new Date().toLocaleTimeString()}  ${line}`),
});
process.env.AUTH_SERVER_URL = authServer.url;

const { createServer } = await import('vite');
const vite = await createServer({
  configFile: join(here, 'vite.config.ts'),
  server: { port, strictPort: false },
});
await vite.listen();
vite.printUrls();
console.log(`  auth server: ${authServer.url} (stats: ${authServer.url}/__stats)\n`);

const stop = () => {
  void Promise.all([vite.close(), authServer.close()]).then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
