// Bundle size, min+gzip, the way an app's bundler would ship it: esbuild
// bundles the entry's ESM build, minified, with the package's own
// dependencies bundled and its peers external, then gzip -9.
// 1 kB = 1000 bytes (as size-limit and bundlers report).
//
//   node test/bench/size.mjs          our entry points (run `npm run build` first)
//   node test/bench/size.mjs --rak    ... and React Auth Kit 3.1.3 beside them
//   node test/bench/size.mjs --inputs ... and what each source file adds to all of them (minified,
//                                        bundled from src/ so every file is named)
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** Each peer and its subpaths (`react/jsx-runtime`, `redux-persist/es/...`). */
const externalsOf = (peers) => peers.flatMap((name) => [name, `${name}/*`]);

/** min and min+gzip bytes of `contents` bundled from `resolveDir`. */
export async function measure(contents, resolveDir, external, loader = 'js') {
  const result = await build({
    metafile: true,
    stdin: { contents, resolveDir, loader },
    jsx: 'automatic',
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    external,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  const [output] = Object.values(result.metafile.outputs);
  const inputs = Object.entries(output.inputs)
    .map(([path, { bytesInOutput }]) => ({ path, min: bytesInOutput }))
    .sort((a, b) => b.min - a.min);
  return { min: code.length, gzip: gzipSync(code, { level: 9 }).length, inputs };
}

/** Our public entry points, as `exports` names them, and the ESM file each resolves to. */
export const ENTRIES = Object.entries(pkg.exports)
  .filter(([subpath]) => subpath !== './package.json')
  .map(([subpath, conditions]) => ({
    name: subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`,
    file: conditions.import.default,
  }));

/** `import * as` every module and re-export the namespaces: nothing can be tree-shaken away. */
const everything = (specifiers) =>
  specifiers.map((specifier, i) => `export * as m${i} from ${JSON.stringify(specifier)};`).join('\n');

/** Our entry points, each alone, then all together. Reads `dist/`. */
export async function ourSizes() {
  const missing = ENTRIES.filter((entry) => !existsSync(join(root, entry.file)));
  if (missing.length > 0) {
    throw new Error(`${missing.map((e) => e.file).join(', ')} missing: run \`npm run build\` first`);
  }
  const external = externalsOf(Object.keys(pkg.peerDependencies ?? {}));
  const rows = [];
  for (const entry of ENTRIES) {
    rows.push({ name: entry.name, ...(await measure(everything([entry.file]), root, external)) });
  }
  const all = await measure(everything(ENTRIES.map((entry) => entry.file)), root, external);
  return { entries: rows, all };
}

/** The source file behind each entry point (tsup.config.ts builds dist/ from these). */
const SOURCES = ['src/index.ts', 'store/index.ts', 'src/react/index.ts', 'src/query/index.ts'];

/** All entry points bundled from their TypeScript sources: the same code, attributed per source file. */
export async function sourceSizes() {
  const external = externalsOf(Object.keys(pkg.peerDependencies ?? {}));
  return measure(everything(SOURCES.map((file) => `./${file}`)), root, external, 'ts');
}

export const RAK_VERSION = '3.1.3';
/** Every public module of React Auth Kit 3.1.3 (its `exports`, hooks expanded). */
const RAK_MODULES = [
  'react-auth-kit',
  'react-auth-kit/errors',
  'react-auth-kit/AuthContext',
  'react-auth-kit/createStore',
  'react-auth-kit/AuthProvider',
  'react-auth-kit/createRefresh',
  'react-auth-kit/hooks/useSignIn',
  'react-auth-kit/hooks/useSignOut',
  'react-auth-kit/hooks/useAuthUser',
  'react-auth-kit/hooks/useAuthHeader',
  'react-auth-kit/hooks/useIsAuthenticated',
  'react-auth-kit/utils/hooks',
  'react-auth-kit/utils/reducers',
  'react-auth-kit/utils/utils',
];

/**
 * Installs react-auth-kit into a cache directory outside the repository, with
 * its own dependencies (js-cookie, rxjs) and without its peers: `next`, `react`
 * and `react-dom` are never installed, so nothing here touches our lockfile.
 */
function installReactAuthKit() {
  const dir = join(tmpdir(), 'redux-auth-kit-bench', `react-auth-kit-${RAK_VERSION}`);
  const installed = join(dir, 'node_modules', 'react-auth-kit', 'package.json');
  const version = (name) =>
    JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')).version;
  if (!existsSync(installed) || version('react-auth-kit') !== RAK_VERSION) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), '{ "private": true }\n');
    const npm = spawnSync(
      'npm',
      [
        'install',
        '--no-save',
        '--no-package-lock',
        '--legacy-peer-deps',
        '--ignore-scripts',
        '--no-audit',
        '--no-fund',
        '--prefix',
        dir,
        `react-auth-kit@${RAK_VERSION}`,
      ],
      { encoding: 'utf8' },
    );
    if (npm.status !== 0) throw new Error(`npm install react-auth-kit@${RAK_VERSION} failed:\n${npm.stderr}`);
  }
  if (existsSync(join(dir, 'node_modules', 'next'))) throw new Error(`${dir}: the peer "next" was installed`);
  return { dir, versions: { 'js-cookie': version('js-cookie'), rxjs: version('rxjs') } };
}

/** React Auth Kit 3.1.3, all public modules together, measured as ours are. */
export async function reactAuthKitSize() {
  const { dir, versions } = installReactAuthKit();
  const rakPkg = JSON.parse(
    readFileSync(join(dir, 'node_modules', 'react-auth-kit', 'package.json'), 'utf8'),
  );
  const external = externalsOf(Object.keys(rakPkg.peerDependencies ?? {}));
  return { ...(await measure(everything(RAK_MODULES), dir, external)), versions };
}

/** Kilobytes (1000 bytes) with two decimals. */
export const kB = (bytes) => `${(bytes / 1000).toFixed(2)} kB`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { entries, all } = await ourSizes();
  const rows = [...entries, { name: 'all entry points', ...all }];
  if (process.argv.includes('--rak')) {
    const rak = await reactAuthKitSize();
    rows.push({ name: `react-auth-kit ${RAK_VERSION} (all modules)`, ...rak });
  }
  console.log('| entry | min | min+gzip |\n| --- | ---: | ---: |');
  for (const row of rows) console.log(`| ${row.name} | ${kB(row.min)} | ${kB(row.gzip)} |`);
  if (process.argv.includes('--inputs')) {
    const sources = await sourceSizes();
    console.log(
      `\n| source file (all entry points from src/: ${kB(sources.gzip)} min+gzip) | min |\n| --- | ---: |`,
    );
    for (const input of sources.inputs) console.log(`| ${input.path} | ${kB(input.min)} |`);
  }
}
