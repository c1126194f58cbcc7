import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The real-browser suite: the production build of example-app, its auth server
// in-process, and Debian's Chromium through playwright-core.
//   npx vitest run -c test/e2e/vitest.config.ts
//   CHROMIUM_PATH=/opt/chrome/chrome npx vitest run -c test/e2e/vitest.config.ts  # another Chromium
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    globalSetup: ['test/e2e/globalSetup.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // One browser, real time: files run one after another so timings stay honest.
    fileParallelism: false,
  },
});
