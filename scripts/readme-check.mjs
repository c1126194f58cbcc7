// Compiles every TypeScript code block in README.md (and in the guides under docs/) against the
// built package, as a reader's app would: `redux-auth-kit`, `redux-auth-kit/store`, ... resolve through package.json "exports" to
// dist/, under Vite's strict template options (noUnusedLocals and friends) and ours.
//
// - A block whose first line is `// <name>.ts` or `// <name>.tsx` is that file, so blocks import
//   each other (`import { store } from './store'`); any other block gets a file of its own.
// - test/readme/ holds what a reader's app supplies and the README imports (`./todos`,
//   `./components`): declarations only, copied beside the blocks.
// - dist/ is built first when it is missing or older than the sources.
//
// - A block marked ```ts nocheck (the word is not rendered) is left out: the React Auth Kit code the
//   migration guide starts from.
//
//   node scripts/readme-check.mjs        # or: npm run test:readme
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The markdown files whose code is checked; each is compiled as an app of its own. */
const MARKDOWN = ['README.md', 'docs/security.md', 'docs/migrating-from-react-auth-kit.md'];

/** The newest modification time of the files under `path` (a file or a folder), in ms. */
function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

function ensureBuilt() {
  const built = join(repo, 'dist', 'index.d.ts');
  const sources = ['src', 'store', 'package.json', 'tsup.config.ts'].map((p) => newest(join(repo, p)));
  if (existsSync(built) && statSync(built).mtimeMs >= Math.max(...sources)) return;
  console.log('readme-check: dist/ is missing or older than the sources: npm run build');
  const build = spawnSync('npm', ['run', 'build'], { cwd: repo, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

/**
 * The ```ts / ```tsx blocks of `markdown`: their code, extension, the line their code starts on,
 * and whether they are marked `nocheck`.
 */
function codeBlocks(markdown) {
  const blocks = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(ts|tsx|typescript)\b(.*)$/.exec(lines[i]);
    if (!open) continue;
    const start = i + 1;
    while (i + 1 < lines.length && !/^```\s*$/.test(lines[i + 1])) i++;
    const code = lines.slice(start, i + 1).join('\n');
    i++;
    // `nocheck` after the language (invisible when rendered): code that cannot compile here, such as
    // the React Auth Kit code a migration starts from.
    const skipped = /\bnocheck\b/.test(open[2]);
    blocks.push({ code, ext: open[1] === 'tsx' ? 'tsx' : 'ts', line: start + 1, skipped });
  }
  return blocks;
}

/** A block's file name: the one its first line names, else one from its line number. */
function fileNameOf(block) {
  const named = /^\/\/\s*([\w.-]+\.tsx?)\b/.exec(block.code.split('\n')[0]);
  return named ? named[1] : `readme-line-${block.line}.${block.ext}`;
}

/** Vite's react-ts template (tsconfig.app.json), plus the strictness this repository uses. */
const tsconfig = {
  compilerOptions: {
    target: 'ES2022',
    useDefineForClassFields: true,
    lib: ['ES2022', 'DOM', 'DOM.Iterable'],
    module: 'ESNext',
    // No ambient Node or Vite types: README code is browser code.
    types: [],
    skipLibCheck: true,
    moduleResolution: 'bundler',
    verbatimModuleSyntax: true,
    moduleDetection: 'force',
    noEmit: true,
    jsx: 'react-jsx',
    strict: true,
    noUnusedLocals: true,
    noUnusedParameters: true,
    erasableSyntaxOnly: true,
    noFallthroughCasesInSwitch: true,
    noUncheckedSideEffectImports: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
  },
  include: ['*.ts', '*.tsx'],
};

/**
 * A folder that looks like an app with the package installed: node_modules links every
 * installed package, and `redux-auth-kit` links this repository (so its "exports" apply).
 */
function makeApp() {
  const app = mkdtempSync(join(tmpdir(), 'redux-auth-kit-readme-'));
  const modules = join(app, 'node_modules');
  mkdirSync(modules);
  for (const name of readdirSync(join(repo, 'node_modules'))) {
    if (name.startsWith('.') || name === 'redux-auth-kit') continue;
    symlinkSync(join(repo, 'node_modules', name), join(modules, name), 'junction');
  }
  symlinkSync(repo, join(modules, 'redux-auth-kit'), 'junction');
  cpSync(join(repo, 'test', 'readme'), app, { recursive: true });
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
  return app;
}

/** Compiles the blocks of one markdown file as one app; returns how many it compiled, or `null` on failure. */
function check(markdown) {
  const blocks = codeBlocks(readFileSync(join(repo, markdown), 'utf8'));
  const supplied = readdirSync(join(repo, 'test', 'readme'));
  const files = new Map();
  for (const block of blocks.filter((b) => !b.skipped)) {
    const name = fileNameOf(block);
    const earlier = files.get(name);
    const clash = earlier
      ? `${markdown}:${earlier.line}`
      : supplied.includes(name)
        ? `test/readme/${name}`
        : null;
    if (clash) {
      console.error(`readme-check: ${markdown}:${block.line} and ${clash} are both ${name}; rename one.`);
      return null;
    }
    files.set(name, block);
  }

  const app = makeApp();
  try {
    for (const [name, { code }] of files) writeFileSync(join(app, name), code + '\n');
    const tsc = spawnSync(
      process.execPath,
      [join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', app],
      {
        cwd: app,
        encoding: 'utf8',
      },
    );
    // `store.ts(12,3): error TS…` → `README.md:57:3 (store.ts): error TS…`
    const output = (tsc.stdout + tsc.stderr).replace(
      /^(\S+?\.tsx?)\((\d+),(\d+)\)/gm,
      (whole, file, row, col) => {
        const block = files.get(relative(app, join(app, file)));
        return block ? `${markdown}:${block.line + Number(row) - 1}:${col} (${file})` : whole;
      },
    );
    if (tsc.status !== 0) {
      console.error(output.trim() + `\n\nreadme-check: the ${markdown} code above does not compile.`);
      return null;
    }
    const skipped = blocks.length - files.size;
    console.log(
      `readme-check: ${files.size} TypeScript blocks of ${markdown} compile against dist/` +
        (skipped ? ` (${skipped} marked nocheck)` : '') +
        '.',
    );
    return files.size;
  } finally {
    rmSync(app, { recursive: true, force: true });
  }
}

ensureBuilt();
const results = MARKDOWN.map(check);
process.exit(results.includes(null) ? 1 : 0);
