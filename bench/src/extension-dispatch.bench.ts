/**
 * An authenticated, authorized request to an in-process extension route
 * against the same handler in a bare Nest + Fastify app. Both servers run in
 * one child process (one event loop, like production); the load comes from
 * this process, one side at a time. The ratio is of the server's CPU time
 * per request (see `cpuPerRequest`); the median over rounds is reported.
 * Run: node bench/dist/extension-dispatch.bench.js [seconds-per-round] [rounds]
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { load, median } from './bench-load.js';

const seconds = Number(process.argv[2] ?? 2);
const rounds = Number(process.argv[3] ?? 8);

const server = fork(fileURLToPath(new URL('./dispatch-servers.js', import.meta.url)), [], { stdio: 'inherit' });
const { bareUrl, floorUrl, hostedUrl, headers } = await new Promise<{
  bareUrl: string;
  floorUrl: string;
  hostedUrl: string;
  headers: Record<string, string>;
}>((resolve) => server.once('message', (m) => resolve(m as never)));

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

async function abba(a: string, b: string, bHeaders: Record<string, string>) {
  const a1 = await cpuPerRequest(a);
  const b1 = await cpuPerRequest(b, bHeaders);
  const b2 = await cpuPerRequest(b, bHeaders);
  const a2 = await cpuPerRequest(a);
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

await abba(bareUrl, hostedUrl, headers);
const ratios: number[] = [];
const floorRatios: number[] = [];
const rpsRatios: number[] = [];
const bareMicros: number[] = [];
const hostedMicros: number[] = [];
const bareRps: number[] = [];
const hostedRps: number[] = [];
let failed = 0;
for (let round = 0; round < rounds; round++) {
  const hosted = await abba(bareUrl, hostedUrl, headers);
  const floor = await abba(bareUrl, floorUrl, {});
  ratios.push(hosted.ratio);
  floorRatios.push(floor.ratio);
  rpsRatios.push(hosted.bRps / hosted.aRps);
  bareMicros.push(hosted.aMicros);
  hostedMicros.push(hosted.bMicros);
  bareRps.push(hosted.aRps);
  hostedRps.push(hosted.bRps);
  failed += hosted.failed + floor.failed;
  console.log(
    `round ${round + 1}: bare ${hosted.aMicros.toFixed(1)} µs/req (${Math.round(hosted.aRps)} rps), in-process ${hosted.bMicros.toFixed(1)} µs/req (${Math.round(hosted.bRps)} rps): ratio ${hosted.ratio.toFixed(2)} (rps ratio ${(hosted.bRps / hosted.aRps).toFixed(2)}); hijack-only floor ratio ${floor.ratio.toFixed(2)}`,
  );
}
console.log(
  JSON.stringify({
    bench: 'extension-dispatch',
    bareMicrosPerRequest: Number(median(bareMicros).toFixed(1)),
    inProcessMicrosPerRequest: Number(median(hostedMicros).toFixed(1)),
    bareRps: Math.round(median(bareRps)),
    inProcessRps: Math.round(median(hostedRps)),
    ratio: Number(median(ratios).toFixed(2)),
    rpsRatio: Number(median(rpsRatios).toFixed(2)),
    goal: 0.8,
    hijackOnlyRatio: Number(median(floorRatios).toFixed(2)),
    failed,
  }),
);
server.kill();
