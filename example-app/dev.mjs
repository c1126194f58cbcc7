#!/usr/bin/env node
// Development: the auth server on a free port, and Vite's dev server (with hot
// reload) proxying /login, /refresh, /logout and /api to it.
//
//   node example-app/dev.mjs        # http://127.0.0.1:5173
//
// Env: PORT (Vite's port, default 5173), ACCESS_TTL, REFRESH_TTL (seconds).

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { secondsFromEnv, startAuthServer } from './server/authServer.mjs';

const here = dirname(fileURLToPath(import.meta.url));

const authServer = await startAuthServer({
  accessTtl: secondsFromEnv('ACCESS_TTL', 30),
  refreshTtl: secondsFromEnv('REFRESH_TTL', 3600),
  log: (line) => console.log(`${new Date().toLocaleTimeString()}  ${line}`),
});
process.env.AUTH_SERVER_URL = authServer.url;

const { createServer } = await import('vite');
const vite = await createServer({
  configFile: join(here, 'vite.config.ts'),
  server: { port: Number(process.env.PORT ?? 5173), strictPort: false },
});
await vite.listen();
vite.printUrls();
console.log(`  auth server: ${authServer.url} (stats: ${authServer.url}/__stats)\n`);

const stop = () => {
  void Promise.all([vite.close(), authServer.close()]).then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
