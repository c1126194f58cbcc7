// Fails when the API reference is incomplete or stale:
// - TypeDoc's validation (typedoc.config.mjs: `notDocumented`, warnings as errors) fails on an export,
//   or a member of an exported type (a property, method, constructor…), without TSDoc;
//   scripts/typedoc-parameter-members.mjs adds the members of object types inside parameters;
// - the pages TypeDoc writes from today's sources must equal the checked-in docs/api, file for file.
// `npm run docs` regenerates docs/api.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const checkedIn = join(repo, 'docs', 'api');

/** Every file under `root`, as paths relative to it, sorted. */
function filesUnder(root) {
  let entries;
  try {
    entries = readdirSync(root, { recursive: true, withFileTypes: true });
  } catch (error) {
    if (error.code === 'ENOENT') return [];
    throw error;
  }
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .sort();
}

const out = mkdtempSync(join(tmpdir(), 'redux-auth-kit-docs-'));
let failed = false;
try {
  const typedoc = spawnSync('npx', ['typedoc', '--out', out], { cwd: repo, stdio: 'inherit' });
  if (typedoc.status !== 0) {
    console.error(
      '\ndocs:check: TypeDoc failed (above): document the export or member it names, in its TSDoc.',
    );
    failed = true;
  } else {
    const fresh = filesUnder(out);
    const kept = filesUnder(checkedIn);
    const missing = fresh.filter((file) => !kept.includes(file));
    const extra = kept.filter((file) => !fresh.includes(file));
    const changed = fresh.filter(
      (file) =>
        kept.includes(file) &&
        readFileSync(join(out, file), 'utf8') !== readFileSync(join(checkedIn, file), 'utf8'),
    );
    for (const [label, files] of [
      ['missing', missing],
      ['no longer generated', extra],
      ['out of date', changed],
    ])
      for (const file of files) console.error(`docs:check: docs/api/${file} is ${label}`);
    failed = missing.length + extra.length + changed.length > 0;
    if (failed)
      console.error('\ndocs:check: the API reference is stale: run `npm run docs` and commit docs/api.');
    else console.log(`docs:check: docs/api is up to date (${fresh.length} pages)`);
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
