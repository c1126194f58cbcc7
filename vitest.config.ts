import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^redux-auth-kit\/store$/, replacement: here('./store/index.ts') },
      { find: /^redux-auth-kit\/react$/, replacement: here('./src/react/index.ts') },
      { find: /^redux-auth-kit\/query$/, replacement: here('./src/query/index.ts') },
      { find: /^redux-auth-kit$/, replacement: here('./src/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    exclude: ['test/e2e/**', 'test/bench/**', 'node_modules/**'],
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    restoreMocks: true,
  },
});
