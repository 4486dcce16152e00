// Gateway benchmark: the same small GET straight to the upstream, through
// bare http-proxy, bare @fastify/reply-from, and the gateway behind the
// pipeline stages (JWT, authorization, identity token, metrics). Each server
// is its own process; loopback only. Reported as ratios, since absolute
// numbers depend on the shared machine. Not a test: nothing here asserts.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { load, type LoadOptions, type LoadResult } from './autocannon.js';
import { CPU_PINNING, pinProcess } from './cpu-pinning.js';
import { pacedLatency } from './paced-latency.js';
import { median } from './stats.js';

const DURATION_S = Number(process.env.BENCH_DURATION ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
/** The fixed, moderate rate at which added latency is measured (requests per second). */
const RATE = Number(process.env.BENCH_RATE ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/**
 * Seconds of load before measuring. The optimizing compiler is still busy
 * for several seconds after a server starts (~15 % of the kernel's CPU in
 * the second after a 1 s warm-up, ~3 % after 4 s), and it runs on the
 * server's own threads: too short a warm-up measures the compiler.
 */
const WARMUP_S = Number(process.env.BENCH_WARMUP ?? 4);
/** Node flags for the proxies under test (not the upstream), e.g. `--single-threaded-gc`: `BENCH_PROXY_NODE_FLAGS`. */
const PROXY_NODE_FLAGS = (process.env.BENCH_PROXY_NODE_FLAGS ?? '').split(' ').filter(Boolean);

interface Server {
  url: string;
  token?: string;
  child: ChildProcess;
}

async function start(kind: string, upstream = ''): Promise<Server> {
  const script = fileURLToPath(new URL('./gateway/proxy-process.js', import.meta.url));
  const command = [process.execPath, ...(kind === 'upstream' ? [] : PROXY_NODE_FLAGS), script, kind, upstream];
  // `taskset` execs node in place: same pid, same IPC channel, every thread on the chosen CPUs.
  if (CPU_PINNING) command.unshift('taskset', '-c', kind === 'upstream' ? CPU_PINNING.rest : CPU_PINNING.server);
  const child = spawn(command[0], command.slice(1), { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  const [, url = '', token] = line.toString().trim().split(' ');
  return { url, child, ...(token ? { token } : {}) };
}

/** Microseconds of CPU (user + system) the server process has used so far. */
async function cpuMicros(server: Server): Promise<number> {
  server.child.send('cpu');
  const [usage] = (await once(server.child, 'message')) as [{ user: number; system: number }];
  return usage.user + usage.system;
}

async function stop(server: Server): Promise<void> {
  server.child.kill();
  await once(server.child, 'exit');
}

interface Case {
  name: string;
  kind: string;
  path: string;
}

const KERNEL = 'kernel, full path';

const CASES: Case[] = [
  { name: 'direct to upstream', kind: 'direct', path: '/things/one' },
  { name: 'bare http-proxy', kind: 'http-proxy', path: '/things/one' },
  { name: 'bare @fastify/reply-from', kind: 'reply-from', path: '/things/one' },
  { name: 'gateway core, bare', kind: 'gateway-bare', path: '/proxy/bench/things/one' },
  { name: KERNEL, kind: 'gateway', path: '/proxy/bench/things/one' },
];

async function measure(options: LoadOptions): Promise<LoadResult> {
  const result = await load(options);
  if (result.non2xx > 0 || result.errors > 0) console.warn(`  ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result;
}

/** Downloads `bytes` through the gateway, sampling its resident memory; returns the growth in MiB. */
async function downloadThroughGateway(upstream: Server, bytes: number): Promise<{ mib: number; seconds: number }> {
  const gateway = await start('gateway', upstream.url);
  const rss = async (): Promise<number> => {
    gateway.child.send('rss');
    const [m] = (await once(gateway.child, 'message')) as [{ rss: number }];
    return m.rss;
  };
  try {
    const before = await rss();
    let peak = before;
    const sampler = setInterval(() => void rss().then((v) => (peak = Math.max(peak, v))), 100);
    const started = process.hrtime.bigint();
    const res = await fetch(`${gateway.url}/proxy/bench/bytes/${bytes}`, {
      headers: { authorization: `Bearer ${gateway.token}` },
    });
    let received = 0;
    for await (const piece of res.body as AsyncIterable<Uint8Array>) received += piece.length;
    clearInterval(sampler);
    if (received !== bytes) console.warn(`  received ${received} of ${bytes} bytes`);
    return { mib: (peak - before) / 2 ** 20, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
  } finally {
    await stop(gateway);
  }
}

interface Round {
  rps: number;
  cpu: number;
  p99: number;
  /** Over the direct path's p99 in the same seconds (paced alongside it). */
  addedP99: number;
}

/** `median [min–max]` of a series, with `digits` decimals. */
function spread(values: number[], digits: number): string {
  if (values.length === 0) return '-';
  const f = (v: number): string => v.toFixed(digits);
  return `${f(median(values))} [${f(Math.min(...values))}–${f(Math.max(...values))}]`;
}

async function measureCase(c: Case, upstream: Server): Promise<Round> {
  const server = c.kind === 'direct' ? undefined : await start(c.kind, upstream.url);
  try {
    const url = `${server?.url ?? upstream.url}${c.path}`;
    const headers: Record<string, string> = server?.token ? { authorization: `Bearer ${server.token}` } : {};
    // Warm-up in short runs: each ends by closing its connections, so the close paths are compiled too.
    for (let s = 0; s < WARMUP_S; s++) await measure({ url, headers, connections: CONNECTIONS, duration: 1 });
    const measured = server ?? upstream;
    const before = await cpuMicros(measured);
    const full = await measure({ url, headers, connections: CONNECTIONS, duration: DURATION_S });
    const used = (await cpuMicros(measured)) - before;
    const total = (full as LoadResult & { requests: { total: number } }).requests.total || 1;
    // Through a proxy, the direct path is paced alongside: added latency is taken within the same seconds.
    const direct = { url: `${upstream.url}${CASES[0].path}`, headers: {} };
    const paced = await pacedLatency(server ? [direct, { url, headers }] : [direct], {
      rate: RATE,
      seconds: DURATION_S,
      connections: 8,
    });
    const own = paced.at(-1)!;
    const failed = paced.reduce((n, p) => n + p.failed, 0);
    if (failed > 0) console.warn(`  ${failed} failed paced requests`);
    return {
      rps: full.requests.average,
      cpu: used / total,
      p99: own.p99 / 1000,
      addedP99: (own.p99 - paced[0].p99) / 1000,
    };
  } finally {
    if (server) await stop(server);
  }
}

async function main(): Promise<void> {
  if (CPU_PINNING) pinProcess(process.pid, CPU_PINNING.rest);
  const upstream = await start('upstream');
  if (process.env.BENCH_DOWNLOAD_BYTES !== '0') {
    const bytes = Number(process.env.BENCH_DOWNLOAD_BYTES ?? 2 ** 30);
    const { mib, seconds } = await downloadThroughGateway(upstream, bytes);
    console.log(
      `download of ${(bytes / 2 ** 20).toFixed(0)} MiB through the gateway: ${seconds.toFixed(1)}s, gateway RSS grew ${mib.toFixed(1)} MiB at peak`,
    );
  }
  const rounds: Map<string, Round>[] = [];
  try {
    // Interleaved: every case once per round, so a burst of load elsewhere hits one round of each.
    for (let round = 0; round < ROUNDS; round++) {
      const results = new Map<string, Round>();
      for (const c of CASES) results.set(c.name, await measureCase(c, upstream));
      rounds.push(results);
    }
  } finally {
    await stop(upstream);
  }
  /** One value per round from a case's figures and another case's in the same round. */
  const perRound = (name: string, other: string, of: (own: Round, other: Round) => number): number[] =>
    rounds.flatMap((r) => {
      const own = r.get(name);
      const that = r.get(other);
      return own && that ? [of(own, that)] : [];
    });
  const columns: [title: string, digits: number, values: (name: string) => number[]][] = [
    ['req/s', 0, (name) => perRound(name, name, (own) => own.rps)],
    ['kernel × req/s', 2, (name) => perRound(name, KERNEL, (own, kernel) => kernel.rps / own.rps)],
    ['µs CPU/req', 1, (name) => perRound(name, name, (own) => own.cpu)],
    ['case/kernel CPU', 2, (name) => perRound(name, KERNEL, (own, kernel) => own.cpu / kernel.cpu)],
    ['p99 ms', 2, (name) => perRound(name, name, (own) => own.p99)],
    ['added p99 ms', 2, (name) => perRound(name, name, (own) => own.addedP99)],
  ];
  console.log(
    `\n${CONNECTIONS} connections, ${WARMUP_S}s warm-up + ${DURATION_S}s per case, ${ROUNDS} interleaved rounds; p99 at ${RATE} req/s, added p99 against the direct path paced alongside`,
  );
  if (CPU_PINNING) {
    console.log(
      `pinned: the proxy on CPU ${CPU_PINNING.server}, the load generator and the upstream on ${CPU_PINNING.rest}`,
    );
  }
  console.log('median [min–max] over the rounds; ratios are taken within a round\n');
  console.log(['case'.padEnd(26), ...columns.map(([title]) => title.padEnd(22))].join(' '));
  for (const c of CASES) {
    console.log(
      [c.name.padEnd(26), ...columns.map(([, digits, values]) => spread(values(c.name), digits).padEnd(22))].join(' '),
    );
  }
  console.log(
    'µs CPU/req is the proxy process (the upstream for the direct case); case/kernel CPU > 1 means the kernel spends less.',
  );
}

void main();
