import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

// In development the auth server runs beside Vite (see dev.mjs) and Vite proxies to it;
// in production the auth server serves the build itself (see start.mjs).
const authServer = process.env.AUTH_SERVER_URL ?? 'http://127.0.0.1:5174';

export default defineConfig({
  root: here('.'),
  plugins: [react()],
  resolve: {
    // The library is used straight from its sources, like the unit tests do.
    alias: [
      { find: /^redux-auth-kit\/store$/, replacement: here('../store/index.ts') },
      { find: /^redux-auth-kit\/react$/, replacement: here('../src/react/index.ts') },
      { find: /^redux-auth-kit\/query$/, replacement: here('../src/query/index.ts') },
      { find: /^redux-auth-kit$/, replacement: here('../src/index.ts') },
    ],
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    // `changeOrigin: false` (a plain URL here would mean true): the auth server's CSRF check compares
    // the page's Origin with the Host the browser asked for (server/csrf.mjs), so the proxy must pass
    // that Host on instead of the auth server's own.
    proxy: Object.fromEntries(
      ['/login', '/refresh', '/logout', '/auth', '/api', '/__stats'].map((path) => [
        path,
        { target: authServer, changeOrigin: false },
      ]),
    ),
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
  },
});
