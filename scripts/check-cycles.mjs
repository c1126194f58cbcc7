#!/usr/bin/env node
// Fails when the modules under src/ and store/ import each other in a cycle, counting every
// import and re-export, type-only ones included (`import type` still ties the modules together).
//   node scripts/check-cycles.mjs
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const roots = ['src', 'store'].map((dir) => join(root, dir));

/** Every .ts/.tsx file below `dir`. */
function sources(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

/** The file a relative specifier names, as the bundler would resolve it; `null` for packages. */
function resolveImport(from, specifier) {
  if (!specifier.startsWith('.')) return null;
  const base = resolve(dirname(from), specifier);
  const candidates = [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')];
  return candidates.find((path) => existsSync(path) && statSync(path).isFile()) ?? null;
}

const files = roots.flatMap(sources);
const graph = new Map(
  files.map((file) => {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = importedFiles.map((entry) => resolveImport(file, entry.fileName)).filter(Boolean);
    return [file, [...new Set(targets)]];
  }),
);

// Depth-first search; a module met again while still on the path closes a cycle.
const cycles = [];
const state = new Map(); // file -> 'visiting' | 'done'
const path = [];
function visit(file) {
  state.set(file, 'visiting');
  path.push(file);
  for (const next of graph.get(file) ?? []) {
    if (state.get(next) === 'visiting') cycles.push([...path.slice(path.indexOf(next)), next]);
    else if (!state.has(next)) visit(next);
  }
  path.pop();
  state.set(file, 'done');
}
for (const file of files) if (!state.has(file)) visit(file);

const edges = [...graph.values()].reduce((sum, targets) => sum + targets.length, 0);
if (cycles.length === 0) {
  console.log(`no import cycles: ${files.length} modules, ${edges} imports (type-only included)`);
} else {
  console.error(`${cycles.length} import cycle(s):`);
  for (const cycle of cycles) console.error('  ' + cycle.map((file) => relative(root, file)).join(' -> '));
  process.exit(1);
}
