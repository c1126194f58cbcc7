import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where measurements go: `$BENCH_OUT` (set by run.mjs), else a fixed temp directory. */
export const resultsDir = (): string =>
  process.env.BENCH_OUT ?? join(tmpdir(), 'redux-auth-kit-bench', 'results');

/** Writes one measurement file's figures as `<name>.json`, and echoes them when run by hand. */
export function writeResults(name: string, figures: Record<string, unknown>): void {
  const dir = resultsDir();
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  writeFileSync(file, `${JSON.stringify(figures, null, 2)}\n`);
  if (process.env.BENCH_OUT === undefined) console.log(`${name}: ${JSON.stringify(figures)} (${file})`);
}
