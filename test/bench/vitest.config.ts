import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

// The measurements behind `npm run bench` that need TypeScript sources, fake
// timers or jsdom. Each file measures one thing and writes its figures to
// `$BENCH_OUT/<name>.json` (see results.ts); test/bench/run.mjs prints them.
// They report counts and never fail on a figure, only when a measurement
// could not be taken.
//   npx vitest run -c test/bench/vitest.config.ts
export default defineConfig({
  root: here('../..'),
  // The same aliases as the unit suite: the packages' entry points map to their sources.
  resolve: {
    alias: [
      { find: /^redux-auth-kit\/store$/, replacement: here('../../store/index.ts') },
      { find: /^redux-auth-kit\/react$/, replacement: here('../../src/react/index.ts') },
      { find: /^redux-auth-kit\/query$/, replacement: here('../../src/query/index.ts') },
      { find: /^redux-auth-kit$/, replacement: here('../../src/index.ts') },
    ],
  },
  test: {
    include: ['test/bench/**/*.bench-run.{ts,tsx}'],
    environment: 'node',
    restoreMocks: true,
    testTimeout: 60_000,
  },
});
