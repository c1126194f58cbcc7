import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    store: 'store/index.ts',
    react: 'src/react/index.ts',
    query: 'src/query/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  // Shared modules stay shared between entry points in CJS too (one copy of module state).
  splitting: true,
  sourcemap: true,
  clean: true,
  treeshake: true,
  target: 'es2022',
  external: ['@reduxjs/toolkit', 'react', 'react-redux', 'redux-persist', /^redux-persist\//],
});
