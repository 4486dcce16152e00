// Fails the build when the shell's first load ships more JavaScript than the
// budget: the entry of index.html and every chunk it imports statically
// (what the browser fetches before the first page renders), gzipped.
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';

const BUDGET_BYTES = 300 * 1024;
const outDir = new URL('../dist/web/', import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(outDir, '.vite', 'manifest.json'), 'utf8'));

const seen = new Set();
function visit(key) {
  const chunk = manifest[key];
  if (!chunk || seen.has(chunk.file)) return;
  seen.add(chunk.file);
  for (const imported of chunk.imports ?? []) visit(imported);
}
visit('index.html');

const sizes = [...seen].map((file) => {
  const content = readFileSync(join(outDir, file));
  return { file, bytes: content.length, gzip: gzipSync(content, { level: 9 }).length };
});
const total = sizes.reduce((sum, s) => sum + s.gzip, 0);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
for (const s of sizes.sort((a, b) => b.gzip - a.gzip)) console.log(`  ${s.file}: ${kb(s.bytes)} → ${kb(s.gzip)} gzip`);
console.log(`console shell first load: ${kb(total)} of JavaScript gzipped (budget ${kb(BUDGET_BYTES)})`);
writeFileSync(
  join(outDir, '.vite', 'budget.json'),
  JSON.stringify({ totalGzipBytes: total, budgetBytes: BUDGET_BYTES, files: sizes }, null, 2),
);
if (total > BUDGET_BYTES) {
  console.error(`the console shell is over its JavaScript budget by ${kb(total - BUDGET_BYTES)}`);
  process.exit(1);
}
