// `npm run bench`: builds, takes every measurement in this one run and prints
// one markdown table. Figures are reported against their goals; a figure that
// misses its goal does not fail the run — only a measurement that could not be
// taken does (exit code 1).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kB, ourSizes, RAK_VERSION, reactAuthKitSize } from './size.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const require = createRequire(import.meta.url);
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const errors = [];
const step = (message) => process.stderr.write(`bench: ${message}\n`);

/** Runs a command from the repository root; its output is shown only if it fails. */
function run(label, command, args, env = {}) {
  const result = spawnSync(command, args, {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    errors.push(`${label} failed (exit ${result.status ?? result.signal})`);
    process.stderr.write(`${result.stdout ?? ''}${result.stderr ?? ''}\n`);
  }
  return result;
}

/** Awaits `measure`; on failure records why and yields `null`, so the table still prints. */
async function attempt(label, measure) {
  try {
    return await measure();
  } catch (error) {
    errors.push(`${label}: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
}

step('npm run build');
run('npm run build', 'npm', ['run', 'build']);

step('bundle sizes (esbuild, min+gzip)');
const ours = await attempt('bundle size', ourSizes);
step(`react-auth-kit@${RAK_VERSION} (installed outside the repository, peers left out)`);
const rak = await attempt(`react-auth-kit@${RAK_VERSION} size`, reactAuthKitSize);

step('dispatch overhead (NODE_ENV=production)');
const dispatchRun = run('dispatch overhead', process.execPath, ['test/bench/dispatch.mjs', '--json'], {
  NODE_ENV: 'production',
});
const dispatch = dispatchRun.status === 0 ? JSON.parse(dispatchRun.stdout.trim().split('\n').at(-1)) : null;

step('renders, storage, tabs, withReauth, lateness (vitest -c test/bench/vitest.config.ts)');
const out = mkdtempSync(join(tmpdir(), 'redux-auth-kit-bench-'));
run(
  'vitest measurements',
  process.execPath,
  [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '-c', 'test/bench/vitest.config.ts'],
  {
    BENCH_OUT: out,
  },
);
const read = (name) => {
  try {
    return JSON.parse(readFileSync(join(out, `${name}.json`), 'utf8'));
  } catch {
    errors.push(`no results from test/bench/${name}.bench-run`);
    return null;
  }
};
const renders = read('renders');
const storage = read('storage');
const tabs = read('tabs');
const reauth = read('reauth');
const lateness = read('lateness');
rmSync(out, { recursive: true, force: true });

// ---- the table ----

const NA = 'n/a';
const num = (value, digits = 2) =>
  value === null || value === undefined
    ? NA
    : Number.isInteger(value)
      ? String(value)
      : value.toFixed(digits);
const bytes = (value) => (value === null || value === undefined ? NA : `${value.toLocaleString('en-US')} B`);
const seconds = (ms) => (ms === null || ms === undefined ? NA : `${num(ms / 1000, 1)} s`);
const met = (value, ok) => (value === null || value === undefined ? '' : ok(value) ? '✓' : '✗');

// The project's size budget (README, Performance); package.json's "sizeLimitKb" is CI's guard against growth.
const GOAL_KB = 12;
const guardKb = pkg.sizeLimitKb;
const rows = [];
const row = (measure, value, { rak: rakValue = '—', goal = '—', ok = '' } = {}) =>
  rows.push([measure, value, rakValue, goal, ok]);

for (const entry of ours?.entries ?? []) row(`Bundle, min+gzip: \`${entry.name}\``, kB(entry.gzip));
row('Bundle, min+gzip: all entry points together', ours ? kB(ours.all.gzip) : NA, {
  rak: rak ? kB(rak.gzip) : NA,
  goal: `≤ ${GOAL_KB} kB`,
  ok: met(ours?.all.gzip, (b) => b <= GOAL_KB * 1000),
});
row('Bundle, min+gzip: CI guard against growth (`sizeLimitKb`)', ours ? kB(ours.all.gzip) : NA, {
  goal: `≤ ${guardKb} kB`,
  ok: met(ours?.all.gzip, (b) => b <= guardKb * 1000),
});
row(
  `Dispatch overhead: ${(dispatch?.actions ?? 200_000).toLocaleString('en-US')} unrelated actions, with ÷ without the auth middleware`,
  dispatch ? `${dispatch.ratio.toFixed(3)}×` : NA,
  { goal: '≤ 1.05×', ok: met(dispatch?.ratio, (r) => r <= 1.05) },
);
for (const [hook, goal] of [
  ['useAuthHeader', 1],
  ['useAuthUser', 0],
  ['useIsAuthenticated', 0],
]) {
  const value = renders?.perRefresh[hook];
  row(`Renders per refresh: \`${hook}\` consumer`, num(value), {
    goal: String(goal),
    ok: met(value, (v) => v === goal),
  });
}
for (const [type, label] of [
  ['cookie', 'cookie'],
  ['localstorage', 'localStorage'],
]) {
  const figures = storage?.[type];
  const marker = figures?.markerWritesPerRefresh
    ? ` (+ ${num(figures.markerWritesPerRefresh)} marker cookie)`
    : '';
  row(`Storage writes per refresh: ${label}`, figures ? `${num(figures.writesPerRefresh)}${marker}` : NA, {
    goal: '1',
    ok: met(figures?.writesPerRefresh, (v) => v === 1),
  });
}
for (const [type, label] of [
  ['cookie', 'cookie'],
  ['localstorage', 'localStorage'],
]) {
  const figures = storage?.[type];
  const marker = figures?.markerBytes ? ` (+ ${bytes(figures.markerBytes)} marker cookie)` : '';
  row(`Persisted bytes, typical session: ${label}`, figures ? `${bytes(figures.bytes)}${marker}` : NA);
}
for (const count of [1, 2, 5, 10]) {
  const value = tabs?.stores[count]?.callsPerLifetime;
  row(
    `Refresh calls per token lifetime: ${count} ${count === 1 ? 'store' : 'stores'} sharing storage`,
    num(value),
    { goal: '1', ok: met(value, (v) => v === 1) },
  );
}
row(
  `Refresh calls for ${reauth?.queries ?? 10} concurrent 401s through \`withReauth\``,
  num(reauth?.refreshCalls),
  {
    goal: '1',
    ok: met(reauth?.refreshCalls, (v) => v === 1),
  },
);
const late = lateness?.lateMs ?? {};
row('Refresh lateness after a sleep: `visibilitychange` on wake', seconds(late['visibilitychange']), {
  goal: '0 s',
  ok: met(late['visibilitychange'], (v) => v === 0),
});
row(
  'Refresh lateness after a sleep: no event (wall-clock check, default 10 s)',
  seconds(late['no event, wall-clock check (default 10 s)']),
  { goal: '≤ 10 s', ok: met(late['no event, wall-clock check (default 10 s)'], (v) => v <= 10_000) },
);
row(
  'Refresh lateness after a sleep: no event, wall-clock check off (`wallClockCheck: 0`)',
  seconds(late['no event, wall-clock check off']),
);

const header = ['Measure', 'redux-auth-kit', `React Auth Kit ${RAK_VERSION}`, 'Goal', 'Met'];
const lines = [header, ['---', '---:', '---:', '---:', ':---:'], ...rows].map(
  (cells) => `| ${cells.join(' | ')} |`,
);

const tokens = storage?.cookie?.tokenBytes;
const rtk = JSON.parse(readFileSync(require.resolve('@reduxjs/toolkit/package.json'), 'utf8')).version;
const notes = [
  `Measured in one run on Node ${process.versions.node}, Redux Toolkit ${rtk}, ${new Date().toISOString().slice(0, 10)}.`,
  '- Bundle: esbuild bundle of the ESM build, minified, gzip -9; 1 kB = 1000 B. `jwt-decode` and `js-cookie` bundled, peers external.',
  rak
    ? `  React Auth Kit ${RAK_VERSION}: all its public modules, with js-cookie ${rak.versions['js-cookie']} and rxjs ${rak.versions.rxjs} bundled; react, react-dom and next external.`
    : `  React Auth Kit ${RAK_VERSION}: not measured.`,
  dispatch
    ? `- Dispatch: median of ${dispatch.rounds} rounds (${dispatch.ratios.map((r) => r.toFixed(2)).join(', ')}), each interleaving the two stores in ${dispatch.chunk.toLocaleString('en-US')}-action chunks; NODE_ENV=production, serializable/immutable checks off on both.`
    : '- Dispatch: not measured.',
  `- Renders, storage writes: ${renders?.refreshes ?? 5} scheduled refreshes under fake timers; storage counts every \`document.cookie\` assignment and \`localStorage.setItem\` (jsdom with a BroadcastChannel, so cross-tab coordination is on, as in a browser; \`createAuthStore\` defaults).`,
  `- Typical session: an RS256 access token with issuer, audience, subject, scope, name and email (${tokens?.access ?? '?'} chars), a ${tokens?.refresh ?? '?'}-char opaque refresh token, a 4-field user.`,
  `- Tabs: ${tabs?.lifetimes ?? 10} access-token lifetimes, in-process Web Locks and BroadcastChannel, a server rotating refresh tokens (reuse revokes the family).`,
  '- Lateness: time from waking (the due time passed during the sleep) to the refresh call, in logical time.',
];

process.stdout.write(`${lines.join('\n')}\n\n${notes.join('\n')}\n`);
if (errors.length > 0) {
  process.stderr.write(
    `\nbench: ${errors.length} measurement(s) could not be taken:\n- ${errors.join('\n- ')}\n`,
  );
  process.exitCode = 1;
}
