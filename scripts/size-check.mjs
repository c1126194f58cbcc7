// Size budget: fails when all entry points together, min+gzip (jwt-decode and
// js-cookie bundled, peers external), exceed package.json "sizeLimitKb"
// (1 kB = 1000 B). Measures dist/ as test/bench/size.mjs does: run after
// `npm run build` (`npm run size` builds first).
import { readFileSync } from 'node:fs';
import { kB, ourSizes } from '../test/bench/size.mjs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const limitKb = pkg.sizeLimitKb;
if (typeof limitKb !== 'number' || !(limitKb > 0)) {
  console.error('size-check: package.json needs "sizeLimitKb", a positive number of kB (1000 B).');
  process.exit(2);
}

let sizes;
try {
  sizes = await ourSizes();
} catch (error) {
  console.error(`size-check: ${error instanceof Error ? error.message : error}`);
  process.exit(2);
}

const width = Math.max(...sizes.entries.map((e) => e.name.length), 'all entry points'.length);
for (const entry of sizes.entries) console.log(`${entry.name.padEnd(width)}  ${kB(entry.gzip).padStart(9)}`);
const total = sizes.all.gzip;
const limit = limitKb * 1000;
const verdict = total <= limit ? 'within' : 'OVER';
console.log(
  `${'all entry points'.padEnd(width)}  ${kB(total).padStart(9)}  ${verdict} the ${limitKb} kB budget`,
);
if (total > limit) {
  console.error(
    `\nsize-check: all entry points together are ${kB(total)} min+gzip, ${kB(total - limit)} over ` +
      `the ${limitKb} kB budget ("sizeLimitKb" in package.json).`,
  );
  process.exit(1);
}
