// Runs every compiled *.spec.js with Node's built-in test runner. Tests run on
// the same ESM output that production runs, so nothing is transformed twice.
// Usage: node scripts/run-tests.mjs [path-filter...]
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const roots = ['libs', 'apps', 'extensions', 'bench'];
const filters = process.argv.slice(2);
const files = [];

function walk(dir) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const entry of entries) {
    if (entry === 'node_modules') continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) walk(path);
    else if (entry.endsWith('.spec.js') && path.includes('/dist/')) files.push(path);
  }
}
for (const root of roots) walk(root);
const selected = files.filter((f) => filters.length === 0 || filters.some((x) => f.includes(x))).sort();
if (selected.length === 0) {
  console.error('no compiled spec files found; run `npm run build` first');
  process.exit(1);
}
// Human-readable output on the console; TAP into a file so the run can end
// with one plain summary line whatever Node's default reporter is.
const tapDir = mkdtempSync(join(tmpdir(), 'mortise-tap-'));
const tapFile = join(tapDir, 'results.tap');
const result = spawnSync(
  process.execPath,
  [
    '--test',
    '--test-concurrency=2',
    '--test-timeout=120000',
    '--enable-source-maps',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tapFile}`,
    ...selected,
  ],
  {
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'test', MORTISE_LOG_LEVEL: process.env.MORTISE_LOG_LEVEL ?? 'silent' },
  },
);
let tap = '';
try {
  tap = readFileSync(tapFile, 'utf8');
} catch {
  // no report: the runner itself failed; its exit code says so
}
rmSync(tapDir, { recursive: true, force: true });
const count = (name) => Number(tap.match(new RegExp(`^# ${name} (\\d+)$`, 'm'))?.[1] ?? 0);
console.log(`\n${count('pass')} passed, ${count('fail')} failed, ${count('skipped')} skipped`);
process.exit(result.status ?? 1);
