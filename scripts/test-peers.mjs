// Type-checks and runs the unit suite against the newest release of every peer, or against the
// oldest release each peer range allows (`--oldest`).
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
// The floor of a range is as much a promise as its newest release: `--oldest`
// installs, instead of `latest`, the oldest release inside each range of
// package.json's `peerDependencies` (asked of the registry, so raising a floor
// there moves this run with it), react-dom at react's version, and the oldest
// `@types/react` / `@types/react-dom` that the oldest react-redux accepts (its
// own peer ranges, else React's major; older type packages would not install
// beside it).
//
//   node scripts/test-peers.mjs            # or: npm run test:peers
//   node scripts/test-peers.mjs --oldest   # or: npm run test:peers -- --oldest
//   node scripts/test-peers.mjs --keep     # leave the temporary copy for a look
//   PEER_TAG=next node scripts/test-peers.mjs   # another dist-tag than `latest` (not with --oldest)
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const keep = process.argv.includes('--keep');
const oldest = process.argv.includes('--oldest');
const tag = process.env.PEER_TAG ?? 'latest';
if (oldest && process.env.PEER_TAG !== undefined) {
  console.error('test-peers: PEER_TAG names a dist-tag; --oldest installs the floor of each range instead');
  process.exit(1);
}

const { peerDependencies } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));

/**
 * React and the packages that move with it. `@types/react*` follow `react`: a React 20 with React 19
 * types would test nothing; react-dom is installed at react's version.
 */
const REACT = ['react', 'react-dom', '@types/react', '@types/react-dom'];
/** Every peer in package.json, then the rest of React's set. */
const PEERS = [...new Set([...Object.keys(peerDependencies), ...REACT])];

const started = Date.now();
const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

/** Runs a command in `cwd`, its output shown; returns whether it succeeded. */
function run(cwd, command, args) {
  console.log(`\n== ${command} ${args.join(' ')}`);
  const since = Date.now();
  const result = spawnSync(command, args, { cwd, stdio: 'inherit', env: { ...process.env, CI: '1' } });
  if (result.error) throw result.error;
  const what = [command, ...args.filter((arg) => !arg.startsWith('-')).slice(0, 2)].join(' ');
  console.log(`== ${what}: ${result.status === 0 ? 'ok' : 'failed'} in ${seconds(since)}`);
  return result.status === 0;
}

/** The version of `name` installed under `root`. */
const installed = (root, name) =>
  JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;

/** What `npm ls --all` finds wrong under `root`: a range, a peer's included, that the tree does not meet. */
function treeProblems(root) {
  const listed = spawnSync('npm', ['ls', '--all', '--json'], { cwd: root, encoding: 'utf8' });
  return JSON.parse(listed.stdout).problems ?? [];
}

/** `npm view <spec> <field> --json`, parsed; `undefined` when the registry has no such field. */
function view(spec, field) {
  const result = spawnSync('npm', ['view', spec, field, '--json'], { cwd: repo, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`npm view ${spec} ${field} failed: ${result.stderr.trim()}`);
  return result.stdout.trim() === '' ? undefined : JSON.parse(result.stdout);
}

/** Orders release versions (`2.10.0` after `2.9.1`); the registry lists them by publication. */
function byVersion(a, b) {
  const [x, y] = [a, b].map((version) => version.split('.').map(Number));
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
}

/** The oldest release of `name` inside `range` (npm leaves prereleases out of a plain range). */
function oldestIn(name, range) {
  const versions = [view(`${name}@${range}`, 'version') ?? []].flat();
  if (versions.length === 0) throw new Error(`the registry has no release of ${name} in ${range}`);
  return versions.sort(byVersion)[0];
}

/** What a run installs over the lock file: a version or dist-tag per package, and how they were chosen. */
function newestPeers() {
  return { label: `dist-tag "${tag}"`, specs: Object.fromEntries(PEERS.map((name) => [name, tag])) };
}

function oldestPeers() {
  const floor = Object.fromEntries(
    Object.entries(peerDependencies).map(([name, range]) => [name, oldestIn(name, range)]),
  );
  floor['react-dom'] = floor.react;
  // react-redux declares the React types it compiles against; older ones would not install beside it.
  const reactMajor = floor.react.split('.')[0];
  const reduxPeers = view(`react-redux@${floor['react-redux']}`, 'peerDependencies') ?? {};
  for (const name of ['@types/react', '@types/react-dom']) {
    floor[name] = oldestIn(name, reduxPeers[name] ?? `^${reactMajor}`);
    if (floor[name].split('.')[0] !== reactMajor)
      throw new Error(`${name}@${floor[name]} does not describe react@${floor.react}`);
  }
  return { label: 'the oldest release each range allows', specs: floor };
}

/** Files git knows or would know about: the working tree without node_modules, dist or anything ignored. */
function workingTreeFiles() {
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: repo,
    encoding: 'utf8',
  });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  return listed.stdout.split('\0').filter(Boolean);
}

const target = oldest ? oldestPeers() : newestPeers();
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
  // Saved into the copy's package.json and lock, React's set first: in one `npm install`, npm
  // places RTK's optional peer `react` before it reaches the react-dom asked for beside it, finds
  // the locked react-dom 19 in the way and refuses (ERESOLVE) an older React that it installs
  // without complaint in two steps. `npm ls --all` then checks every range in the tree, peers too.
  const install = (names) =>
    run(copy, 'npm', [
      'install',
      '--save-exact',
      '--no-audit',
      '--no-fund',
      ...names.map((name) => `${name}@${target.specs[name]}`),
    ]);
  const rest = PEERS.filter((name) => !REACT.includes(name));
  if (!install(REACT) || !install(rest)) throw new Error(`installing the peers (${target.label}) failed`);
  const problems = treeProblems(copy);
  if (problems.length > 0) throw new Error(`npm ls finds ranges not met:\n  ${problems.join('\n  ')}`);
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
  console.log(`\ntest-peers: versions under test (${target.label})`);
  for (const { name, locked, tested } of versions)
    console.log(`  ${name.padEnd(width)}  ${tested.padEnd(8)}  (lock file: ${locked})`);
}

if (versions.length > 0) printVersions();
console.log(`\ntest-peers (${target.label}): ${ok ? 'passed' : 'FAILED'} in ${seconds(started)}`);
process.exit(ok ? 0 : 1);
