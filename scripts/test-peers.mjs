// Type-checks and runs the unit suite against the newest release of every peer.
//
// The peer ranges (`^2.0.0`, `^9.0.0`, ...) promise more than the lock file
// tests: a plain install gives a user the newest release, which CI would
// otherwise never see (RTK 2.15 broke `withReauth(fetchBaseQuery())` types
// while the locked 2.14 passed). So: copy the working tree (tracked and
// untracked files, not ignored ones) to a temporary folder, `npm ci` there,
// install each peer's `latest` over it without saving, then run
// `npm run typecheck`, `vitest run` (unit and type tests) and the README check
// (its code compiled against the built package). The developer's own
// node_modules are never touched.
//
//   node scripts/test-peers.mjs          # or: npm run test:peers
//   node scripts/test-peers.mjs --keep   # leave the temporary copy for a look
//   PEER_TAG=next node scripts/test-peers.mjs   # another dist-tag than `latest`
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const keep = process.argv.includes('--keep');
const tag = process.env.PEER_TAG ?? 'latest';

/**
 * The peers and the type packages that must move with them. `@types/react*`
 * follow `react`: a React 20 with React 19 types would test nothing.
 */
const PEERS = [
  '@reduxjs/toolkit',
  'react-redux',
  'redux-persist',
  'react',
  'react-dom',
  '@types/react',
  '@types/react-dom',
];

const started = Date.now();
const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

/** Runs a command in `cwd`, its output shown; returns whether it succeeded. */
function run(cwd, command, args) {
  console.log(`\n== ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd, stdio: 'inherit', env: { ...process.env, CI: '1' } });
  if (result.error) throw result.error;
  return result.status === 0;
}

/** The version of `name` installed under `root`. */
const installed = (root, name) =>
  JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;

/** Files git knows or would know about: the working tree without node_modules, dist or anything ignored. */
function workingTreeFiles() {
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: repo,
    encoding: 'utf8',
  });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  return listed.stdout.split('\0').filter(Boolean);
}

const copy = mkdtempSync(join(tmpdir(), 'redux-auth-kit-peers-'));
let ok = false;
const versions = [];
try {
  console.log(`test-peers: copying the working tree to ${copy}`);
  for (const file of workingTreeFiles()) {
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    // A file deleted but not yet staged is still listed: skip it, as git would.
    try {
      cpSync(join(repo, file), join(copy, file));
    } catch (error) {
      if (error.code !== 'ENOENT') throw error;
    }
  }

  if (!run(copy, 'npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline']))
    throw new Error('npm ci failed');
  const locked = Object.fromEntries(PEERS.map((name) => [name, installed(copy, name)]));
  const wanted = PEERS.map((name) => `${name}@${tag}`);
  if (!run(copy, 'npm', ['install', '--no-save', '--no-audit', '--no-fund', ...wanted]))
    throw new Error('installing the newest peers failed');
  for (const name of PEERS) versions.push({ name, locked: locked[name], tested: installed(copy, name) });
  printVersions();

  const typed = run(copy, 'npm', ['run', 'typecheck']);
  // The unit suite includes the `*.test-d.ts` type tests (vitest typecheck).
  const tested = run(copy, 'npx', ['vitest', 'run']);
  // What a new user copies: the README's code, against the built package and these peers.
  const readme = run(copy, 'node', ['scripts/readme-check.mjs']);
  ok = typed && tested && readme;
} catch (error) {
  console.error(`\ntest-peers: ${error instanceof Error ? error.message : error}`);
} finally {
  if (keep) console.log(`\ntest-peers: the copy stays at ${copy}`);
  else rmSync(copy, { recursive: true, force: true });
}

function printVersions() {
  const width = Math.max(...versions.map((v) => v.name.length));
  console.log(`\ntest-peers: versions under test (dist-tag "${tag}")`);
  for (const { name, locked, tested } of versions)
    console.log(`  ${name.padEnd(width)}  ${tested.padEnd(8)}  (lock file: ${locked})`);
}

if (versions.length > 0) printVersions();
console.log(`\ntest-peers: ${ok ? 'passed' : 'FAILED'} in ${seconds(started)}`);
process.exit(ok ? 0 : 1);
