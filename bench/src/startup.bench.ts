// `npm run bench:startup`: cold start and idle memory of `npm start` (the
// bundled kernel, sqlite store), against a bare Fastify process spawned the
// same way in the same run. Rounds are interleaved so drifting machine load
// hits every case alike; medians are reported.
//
//   BENCH_ROUNDS=7 BENCH_IDLE_MS=2000 BENCH_SETTLE_MS=20000 (0: report only the RSS after BENCH_IDLE_MS)
//   BENCH_ENTRIES="dist/a.mjs,--max-semi-space-size=2 dist/a.mjs"   (compare variants, each with its Node flags)
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureColdStart, type ColdStart } from './cold-start.js';
import { median } from './stats.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const IDLE_MS = Number(process.env.BENCH_IDLE_MS ?? 2000);
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 20_000);
const kernelDist = dirname(createRequire(import.meta.url).resolve('@mortise/kernel'));
const entries = (process.env.BENCH_ENTRIES ?? join(kernelDist, 'mortise.mjs')).split(',').map((spec) => {
  const words = spec.trim().split(/\s+/);
  return { label: spec.trim().replace(`${kernelDist}/`, ''), entry: words.at(-1)!, nodeArgs: words.slice(0, -1) };
});
const baseline = fileURLToPath(new URL('./bare-readyz.server.js', import.meta.url));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const BARE = 'bare Fastify process';
const cases: Record<string, ColdStart[]> = { [BARE]: [] };
const loadBefore = loadavg()[0];
for (let round = 0; round < ROUNDS; round++) {
  const dataDir = mkdtempSync(join(tmpdir(), 'mortise-startup-'));
  const port = await freePort();
  cases[BARE].push(await measureColdStart(baseline, dataDir, port, { idleMs: IDLE_MS, settleMs: SETTLE_MS }));
  for (const { label, entry, nodeArgs } of entries) {
    const run = { nodeArgs, idleMs: IDLE_MS, settleMs: SETTLE_MS };
    const empty = mkdtempSync(join(tmpdir(), 'mortise-startup-'));
    (cases[`${label}: first start`] ??= []).push(await measureColdStart(entry, empty, port, run));
    (cases[`${label}: existing data dir`] ??= []).push(await measureColdStart(entry, empty, port, run));
    rmSync(empty, { recursive: true, force: true });
  }
  rmSync(dataDir, { recursive: true, force: true });
}

const base = cases[BARE];
const baseReady = median(base.map((c) => c.readyMs));
const baseRss = median(base.map((c) => c.idleRssMb));
const baseSettled = median(base.map((c) => c.settledRssMb));
const baseCpu = median(base.map((c) => c.readyCpuMs));
console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), node ${process.version}`);
console.log(`kernel entries in ${kernelDist}`);
console.log(
  `${ROUNDS} interleaved rounds, RSS after ${IDLE_MS} ms idle and settled (lowest until ${SETTLE_MS} ms); load average ${loadBefore.toFixed(1)} → ${loadavg()[0].toFixed(1)}\n`,
);
console.table(
  Object.entries(cases).map(([name, runs]) => {
    const ready = runs.map((c) => c.readyMs);
    const rss = runs.map((c) => c.idleRssMb);
    const settled = runs.map((c) => c.settledRssMb);
    const cpu = runs.map((c) => c.readyCpuMs);
    return {
      case: name,
      'ready ms (median)': median(ready),
      'ready ms (min–max)': `${Math.min(...ready)}–${Math.max(...ready)}`,
      'CPU ms to ready': median(cpu),
      'idle RSS MB (median)': median(rss),
      'settled RSS MB': median(settled),
      'ready vs bare': (median(ready) / baseReady).toFixed(2),
      'CPU vs bare': (median(cpu) / baseCpu).toFixed(2),
      'RSS vs bare': (median(rss) / baseRss).toFixed(2),
      'settled vs bare': (median(settled) / baseSettled).toFixed(2),
    };
  }),
);
