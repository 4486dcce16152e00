// Gateway benchmark: the same small GET straight to the upstream, through
// bare http-proxy, bare @fastify/reply-from, and the gateway behind the
// pipeline stages (JWT, authorization, identity token, metrics). Each server
// is its own process; loopback only. Reported as ratios, since absolute
// numbers depend on the shared machine. Not a test: nothing here asserts.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { load, type LoadOptions, type LoadResult } from './autocannon.js';

const DURATION_S = Number(process.env.BENCH_DURATION ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
/** The fixed, moderate rate at which added latency is measured (requests per second). */
const RATE = Number(process.env.BENCH_RATE ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);

interface Server {
  url: string;
  token?: string;
  child: ChildProcess;
}

async function start(kind: string, upstream = ''): Promise<Server> {
  const script = fileURLToPath(new URL('./gateway/proxy-process.js', import.meta.url));
  const child = spawn(process.execPath, [script, kind, upstream], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
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

const CASES: Case[] = [
  { name: 'direct to upstream', kind: 'direct', path: '/things/one' },
  { name: 'bare http-proxy', kind: 'http-proxy', path: '/things/one' },
  { name: 'bare @fastify/reply-from', kind: 'reply-from', path: '/things/one' },
  { name: 'gateway core, bare', kind: 'gateway-bare', path: '/proxy/bench/things/one' },
  { name: 'kernel, full path', kind: 'gateway', path: '/proxy/bench/things/one' },
];

async function measure(options: LoadOptions & { overallRate?: number }): Promise<LoadResult> {
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

async function main(): Promise<void> {
  const upstream = await start('upstream');
  if (process.env.BENCH_DOWNLOAD_BYTES !== '0') {
    const bytes = Number(process.env.BENCH_DOWNLOAD_BYTES ?? 2 ** 30);
    const { mib, seconds } = await downloadThroughGateway(upstream, bytes);
    console.log(
      `download of ${(bytes / 2 ** 20).toFixed(0)} MiB through the gateway: ${seconds.toFixed(1)}s, gateway RSS grew ${mib.toFixed(1)} MiB at peak`,
    );
  }
  const throughput = new Map<string, number[]>();
  const p99 = new Map<string, number[]>();
  const cpu = new Map<string, number[]>();
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const c of CASES) {
        const server = c.kind === 'direct' ? undefined : await start(c.kind, upstream.url);
        const url = `${server?.url ?? upstream.url}${c.path}`;
        const headers: Record<string, string> = server?.token ? { authorization: `Bearer ${server.token}` } : {};
        await measure({ url, headers, connections: CONNECTIONS, duration: 1 });
        const measured = server ?? upstream;
        const before = await cpuMicros(measured);
        const full = await measure({ url, headers, connections: CONNECTIONS, duration: DURATION_S });
        const perRequest = (await cpuMicros(measured)) - before;
        cpu.set(c.name, [
          ...(cpu.get(c.name) ?? []),
          perRequest / ((full as LoadResult & { requests: { total: number } }).requests.total || 1),
        ]);
        const paced = await measure({ url, headers, connections: 8, duration: DURATION_S, overallRate: RATE });
        throughput.set(c.name, [...(throughput.get(c.name) ?? []), full.requests.average]);
        p99.set(c.name, [...(p99.get(c.name) ?? []), paced.latency.p99]);
        if (server) await stop(server);
      }
    }
  } finally {
    await stop(upstream);
  }
  const best = (values: number[] | undefined): number => Math.max(...(values ?? [0]));
  const low = (values: number[] | undefined): number => Math.min(...(values ?? [0]));
  const kernel = best(throughput.get('kernel, full path'));
  const direct = low(p99.get('direct to upstream'));
  console.log(`\n${CONNECTIONS} connections, ${DURATION_S}s per case, best of ${ROUNDS}; p99 at ${RATE} req/s`);
  const kernelCpu = low(cpu.get('kernel, full path'));
  console.log('case                        req/s   kernel ×  µs CPU/req   kernel × (CPU)  p99 ms  added p99 ms');
  for (const c of CASES) {
    const rps = best(throughput.get(c.name));
    const latency = low(p99.get(c.name));
    const micros = low(cpu.get(c.name));
    console.log(
      [
        c.name.padEnd(26),
        rps.toFixed(0).padStart(6),
        (kernel / rps).toFixed(2).padStart(10),
        micros.toFixed(1).padStart(11),
        (micros / kernelCpu).toFixed(2).padStart(16),
        latency.toFixed(2).padStart(7),
        (latency - direct).toFixed(2).padStart(13),
      ].join(' '),
    );
  }
  console.log(
    "µs CPU/req is the proxy process (the upstream for the direct case); gateway × (CPU) = its CPU/req over the gateway's.",
  );
}

void main();
