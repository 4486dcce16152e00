// Server CPU per request of `npm start`'s kernel (the bundle, sqlite store)
// under different Node flags, e.g. V8's young-generation size: each variant
// runs as its own process on a copy of one seeded data dir, the load comes
// from this process, and rounds are interleaved so drifting machine load hits
// every variant alike. CPU per request (from /proc) is steadier than req/s on
// a shared machine. Run:
//   node bench/dist/node-flags.bench.js '{"default":[],"semi 1 MB":["--max-semi-space-size=1"]}'
//   BENCH_ROUNDS=4 BENCH_DURATION=3
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { load, type LoadOptions } from './autocannon.js';
import { cpuMs, rssMb } from './cold-start.js';
import { median } from './stats.js';
import { adminToken, createWorkspaceRequests } from './kernel-requests.js';

const VARIANTS = JSON.parse(process.argv[2] ?? '{"default":[],"semi 1 MB":["--max-semi-space-size=1"]}') as Record<
  string,
  string[]
>;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 3);
const ENTRY = join(dirname(createRequire(import.meta.url).resolve('@mortise/kernel')), 'mortise.mjs');
const PORT = 18_000 + Math.floor(Math.random() * 1000);
const URL_BASE = `http://127.0.0.1:${PORT}`;
const TENANT = '/kapis/tenant.mortise.io/v1/workspaces';
const PASSWORD = 'node-flags-bench';

async function startKernel(nodeArgs: string[], dataDir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...nodeArgs, ENTRY], {
    env: {
      ...process.env,
      MORTISE_PORT: String(PORT),
      MORTISE_HOST: '127.0.0.1',
      MORTISE_DATA_DIR: dataDir,
      MORTISE_LOG_LEVEL: 'warn',
      MORTISE_ADMIN_PASSWORD: PASSWORD,
    },
    stdio: 'ignore',
  });
  const started = performance.now();
  for (;;) {
    const ready = await fetch(`${URL_BASE}/readyz`).then(
      (res) => res.status === 200,
      () => false,
    );
    if (ready) return child;
    if (performance.now() - started > 20_000) throw new Error('the kernel did not become ready within 20 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function stopKernel(child: ChildProcess): Promise<void> {
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

async function bearer(): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await adminToken(URL_BASE, PASSWORD)}` };
}

// One data dir with 100 labelled workspaces; every run gets a fresh copy, so POSTs do not grow later runs' lists.
const template = mkdtempSync(join(tmpdir(), 'mortise-flags-'));
{
  const kernel = await startKernel([], template);
  const auth = await bearer();
  for (let i = 0; i < 100; i++) {
    await fetch(`${URL_BASE}${TENANT}`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ metadata: { name: `ws-${i}`, labels: { bench: 'yes' } }, spec: {} }),
    });
  }
  await stopKernel(kernel);
}

const samples: Record<string, { cpuUs: number; rps: number; rssMb: number }[]> = {};
const loadBefore = loadavg()[0];
for (let round = 0; round < ROUNDS; round++) {
  for (const [label, nodeArgs] of Object.entries(VARIANTS)) {
    const dataDir = mkdtempSync(join(tmpdir(), 'mortise-flags-run-'));
    cpSync(template, dataDir, { recursive: true });
    const kernel = await startKernel(nodeArgs, dataDir);
    const auth = await bearer();
    const cases: Record<string, Omit<LoadOptions, 'duration' | 'connections'>> = {
      'GET object': { url: `${URL_BASE}${TENANT}/ws-42`, headers: auth },
      'LIST 100': { url: `${URL_BASE}${TENANT}?labelSelector=bench%3Dyes`, headers: auth },
      POST: { url: URL_BASE, requests: createWorkspaceRequests(TENANT, auth) },
    };
    for (const [name, options] of Object.entries(cases)) {
      await load({ ...options, duration: 1, connections: 10 });
      const before = cpuMs(kernel.pid!);
      const result = await load({ ...options, duration: DURATION_S, connections: 10 });
      const cpuUs = ((cpuMs(kernel.pid!) - before) * 1000) / Math.max(1, result.requests.total);
      (samples[`${name} | ${label}`] ??= []).push({
        cpuUs,
        rps: result.requests.average,
        rssMb: rssMb(kernel.pid!),
      });
    }
    await stopKernel(kernel);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
rmSync(template, { recursive: true, force: true });

console.log(`node ${process.version}, ${ROUNDS} interleaved rounds of ${DURATION_S} s per case, 10 connections`);
console.log(`load average ${loadBefore.toFixed(1)} → ${loadavg()[0].toFixed(1)}\n`);
console.table(
  Object.entries(samples).map(([name, runs]) => ({
    case: name,
    'server CPU µs/req (median)': Math.round(median(runs.map((r) => r.cpuUs))),
    'µs/req (all rounds)': runs.map((r) => Math.round(r.cpuUs)).join(' '),
    'req/s (median)': Math.round(median(runs.map((r) => r.rps))),
    'RSS MB after the case': Math.round(median(runs.map((r) => r.rssMb))),
  })),
);
