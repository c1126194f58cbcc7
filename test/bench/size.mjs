// Bundle size of each entry point, min+gzip, with jwt-decode and js-cookie
// bundled and the peers external. Run after `npm run build`.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const external = [
  '@reduxjs/toolkit',
  'react',
  'react/jsx-runtime',
  'react-redux',
  'redux-persist',
  'redux-persist/*',
  'redux',
];

async function measure(contents) {
  const result = await build({
    stdin: { contents, resolveDir: root, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    write: false,
    external,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  return { min: code.length, gzip: gzipSync(code, { level: 9 }).length };
}

const entries = {
  'redux-auth-kit': `export * from './dist/index.js';`,
  'redux-auth-kit/store': `export * from './dist/store.js';`,
  'redux-auth-kit/react': `export * from './dist/react.js';`,
  'redux-auth-kit/query': `export * from './dist/query.js';`,
};
entries['all entry points'] = Object.values(entries).join('\n');

export async function sizes() {
  const rows = [];
  for (const [name, contents] of Object.entries(entries)) rows.push({ name, ...(await measure(contents)) });
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const kb = (n) => `${(n / 1024).toFixed(2)} kB`;
  console.log('| entry | min | min+gzip |\n| --- | ---: | ---: |');
  for (const row of await sizes()) console.log(`| ${row.name} | ${kb(row.min)} | ${kb(row.gzip)} |`);
}
