/**
 * An authenticated, authorized request to an in-process extension route
 * against the same handler in a bare Nest + Fastify app. Both servers run in
 * one child process (one event loop, like production); the load comes from
 * this process, one side at a time. The ratio is of the server's CPU time
 * per request (see `cpuPerRequest`); the median over rounds is reported.
 * Run: node bench/dist/extension-dispatch.bench.js [seconds-per-round] [rounds]
 * Sides, each measured against bare in the same round:
 *   kernel  the real kernel's pipeline (the goal is measured here)
 *   memory  the in-memory kernel of the SDK harness
 *   floor   a root Fastify hijacking into a Nest sub-app, no kernel work
 *   bare3us, bare6us  bare with 3 or 6 µs of busy waiting added: how much
 *           server CPU per request a known amount of added work shows as
 * Env: DISPATCH_SIDES=kernel,memory,floor picks sides (default those three);
 * DISPATCH_SERVER_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/p" passes Node flags
 * to the server process (profile it); BENCH_PIN=1 gives the server a CPU of
 * its own and the load generator the others (see `cpu-pinning.ts`);
 * DISPATCH_BARE_HEADERS=none sends bare no Authorization header (by default
 * bare gets the very request the side gets, credential included, and ignores
 * it: the ratio is then of what the side does with a request, not of
 * parsing a larger one).
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { load } from './bench-load.js';
import { CPU_PINNING, pinProcess } from './cpu-pinning.js';
import { interquartile, median } from './stats.js';
import type { DispatchSides } from './dispatch-servers.js';

const seconds = Number(process.argv[2] ?? 2);
const rounds = Number(process.argv[3] ?? 8);

const sideNames = (process.env['DISPATCH_SIDES'] ?? 'kernel,memory,floor').split(',').filter(Boolean) as Array<
  Exclude<keyof DispatchSides, 'bare'>
>;
const server = fork(fileURLToPath(new URL('./dispatch-servers.js', import.meta.url)), [], {
  stdio: 'inherit',
  execArgv: (process.env['DISPATCH_SERVER_FLAGS'] ?? '').split(' ').filter(Boolean),
});
const sides = await new Promise<DispatchSides>((resolve) => server.once('message', (m) => resolve(m as never)));
if (CPU_PINNING) {
  pinProcess(server.pid!, CPU_PINNING.server);
  pinProcess(process.pid, CPU_PINNING.rest);
}

// The server's CPU time per request is the measure: throughput on this
// shared machine drifts by a factor of two within a minute, CPU time per
// request far less. ratio = cpu(bare) / cpu(side): the throughput the side
// reaches, relative to bare, when the kernel is CPU-bound. A-B-B-A order per
// round evens out what drift remains.
function serverCpu(): Promise<number> {
  return new Promise((resolve) => {
    server.once('message', (usage) => {
      const { user, system } = usage as NodeJS.CpuUsage;
      resolve(user + system);
    });
    server.send('cpu');
  });
}

async function cpuPerRequest(url: string, h: Record<string, string> = {}) {
  const before = await serverCpu();
  const result = await load(url, seconds, h);
  const used = (await serverCpu()) - before;
  return { micros: used / result.requests, rps: result.rps, failed: result.failed };
}

type Side = { url: string; headers: Record<string, string> };

async function abba(a: Side, b: Side) {
  const a1 = await cpuPerRequest(a.url, a.headers);
  const b1 = await cpuPerRequest(b.url, b.headers);
  const b2 = await cpuPerRequest(b.url, b.headers);
  const a2 = await cpuPerRequest(a.url, a.headers);
  const aMicros = (a1.micros + a2.micros) / 2;
  const bMicros = (b1.micros + b2.micros) / 2;
  return {
    aMicros,
    bMicros,
    aRps: (a1.rps + a2.rps) / 2,
    bRps: (b1.rps + b2.rps) / 2,
    ratio: aMicros / bMicros,
    failed: a1.failed + a2.failed + b1.failed + b2.failed,
  };
}

const bareHeaders = process.env['DISPATCH_BARE_HEADERS'] ?? 'same';
if (bareHeaders !== 'same' && bareHeaders !== 'none') throw new Error('DISPATCH_BARE_HEADERS is "same" or "none"');
/** Bare, as it is measured against `side`. */
const bareFor = (side: Side): Side =>
  bareHeaders === 'same' ? { url: sides.bare.url, headers: side.headers } : sides.bare;

for (const name of sideNames) await abba(bareFor(sides[name]), sides[name]);
const results = new Map(sideNames.map((name) => [name, [] as Array<Awaited<ReturnType<typeof abba>>>]));
for (let round = 0; round < rounds; round++) {
  const line: string[] = [];
  for (const name of sideNames) {
    const r = await abba(bareFor(sides[name]), sides[name]);
    results.get(name)?.push(r);
    line.push(
      `${name} ${r.ratio.toFixed(2)} (bare ${r.aMicros.toFixed(1)} µs/req, ${name} ${r.bMicros.toFixed(1)} µs/req, rps ratio ${(r.bRps / r.aRps).toFixed(2)})`,
    );
  }
  console.log(`round ${round + 1}: ${line.join('; ')}`);
}
const summary = (rs: Array<Awaited<ReturnType<typeof abba>>>) => {
  const ratios = rs.map((r) => r.ratio);
  return {
    ratio: Number(median(ratios).toFixed(2)),
    ratioRange: [Math.min(...ratios), Math.max(...ratios)].map((x) => Number(x.toFixed(2))),
    ratioInterquartile: interquartile(ratios).map((x) => Number(x.toFixed(2))),
    bareMicrosPerRequest: Number(median(rs.map((r) => r.aMicros)).toFixed(1)),
    microsPerRequest: Number(median(rs.map((r) => r.bMicros)).toFixed(1)),
    addedMicros: Number(median(rs.map((r) => r.bMicros - r.aMicros)).toFixed(1)),
    rpsRatio: Number(median(rs.map((r) => r.bRps / r.aRps)).toFixed(2)),
    failed: rs.reduce((n, r) => n + r.failed, 0),
  };
};
console.log(
  JSON.stringify({
    bench: 'extension-dispatch',
    goal: 0.8,
    pinned: CPU_PINNING !== undefined,
    bareHeaders,
    ...Object.fromEntries([...results].map(([name, rs]) => [name, summary(rs)])),
  }),
);
server.kill();
