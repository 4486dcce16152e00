/**
 * Install → routable time, and upgrades of the sample extension under
 * continuous load: failed requests, and what the kernel process retains.
 * The kernel runs in a child process with --expose-gc; every sample is taken
 * after a full GC. Under the same load, the kernel first runs with no
 * upgrades (the baseline: how far memory grows from load alone), then
 * upgrades, sampled every `sampleEvery`. "Before" is the last baseline
 * sample: warmed up under the same load.
 * Run: node bench/dist/extension-lifecycle.bench.js [upgrades=200] [sampleEvery=10]
 * Env: MORTISE_BENCH_SNAPSHOTS=20,60 writes heap snapshots after those
 * upgrades; MORTISE_BENCH_NODE_FLAGS adds flags to the kernel's node.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadInBackground, type LoadResult } from './bench-load.js';
import { median } from './stats.js';
import type { KernelMessage, LifecycleOptions, LifecycleSample } from './lifecycle-kernel.js';

const upgrades = Number(process.argv[2] ?? 200);
const sampleEvery = Number(process.argv[3] ?? 10);
const options: LifecycleOptions = {
  upgrades,
  sampleEvery,
  idleSamples: Math.max(3, Math.round(upgrades / sampleEvery / 2)),
  idleIntervalMs: 1000,
  warmupMs: 5000,
  snapshotsAt: (process.env['MORTISE_BENCH_SNAPSHOTS'] ?? '').split(',').filter(Boolean).map(Number),
};
const nodeFlags = (process.env['MORTISE_BENCH_NODE_FLAGS'] ?? '').split(' ').filter(Boolean);

const kernel = fork(fileURLToPath(new URL('./lifecycle-kernel.js', import.meta.url)), [JSON.stringify(options)], {
  execArgv: ['--expose-gc', ...nodeFlags],
  stdio: 'inherit',
});
const samples: LifecycleSample[] = [];
let load: ReturnType<typeof loadInBackground> | undefined;
const done = await new Promise<Extract<KernelMessage, { type: 'done' }>>((resolve, reject) => {
  kernel.on('exit', (code) => reject(new Error(`kernel exited with ${code}`)));
  kernel.on('message', (message: KernelMessage) => {
    switch (message.type) {
      case 'start-load':
        load = loadInBackground(message.url, message.headers);
        kernel.send('started');
        break;
      case 'stop-load':
        void load!.stop().then((result) => kernel.send(result));
        break;
      case 'sample':
        samples.push(message.sample);
        console.error(row(message.sample));
        break;
      case 'snapshot':
        console.error(`heap snapshot after ${message.upgrades} upgrades: ${message.file}`);
        break;
      case 'done':
        resolve(message);
    }
  });
});

function row(s: LifecycleSample): string {
  const f = (n: number) => n.toFixed(1).padStart(6);
  return [
    s.phase.padEnd(8),
    String(s.upgrades).padStart(4),
    `${s.seconds.toFixed(1).padStart(5)}s`,
    `rss ${f(s.rss)} anon ${f(s.rssAnon)} file ${f(s.rssFile)}`,
    `heap ${f(s.heapUsed)}/${f(s.heapTotal)} old ${f(s.spaces['old_space'] ?? 0)} code ${f(s.spaces['code_space'] ?? 0)}`,
    `malloc ${f(s.malloced)} bytecode ${f(s.code.bytecode)} mcode ${f(s.code.machineCode)} src ${f(s.code.scriptSources)}`,
  ].join('  ');
}

const round = (n: number) => Number(n.toFixed(1));
const at = (phase: LifecycleSample['phase'], n: number) => samples.find((s) => s.phase === phase && s.upgrades === n);
const warm = samples.find((s) => s.phase === 'warm')!;
const before = samples.filter((s) => s.phase === 'idle').at(-1)!;
const growth = (a: LifecycleSample, b: LifecycleSample) => ({
  rssMiB: round(b.rss - a.rss),
  rssPercent: round(((b.rss - a.rss) / a.rss) * 100),
  rssAnonMiB: round(b.rssAnon - a.rssAnon),
  heapUsedMiB: round(b.heapUsed - a.heapUsed),
  codeMiB: round(b.code.bytecode + b.code.machineCode - a.code.bytecode - a.code.machineCode),
});
/** KiB per upgrade between two upgrade counts: equal halves mean a leak per upgrade, a falling one a plateau. */
const perUpgrade = (from: LifecycleSample, to: LifecycleSample) => {
  const n = to.upgrades - from.upgrades;
  const kib = (a: number, b: number) => round(((b - a) * 1024) / n);
  return {
    rss: kib(from.rss, to.rss),
    rssAnon: kib(from.rssAnon, to.rssAnon),
    heapUsed: kib(from.heapUsed, to.heapUsed),
  };
};
const half = Math.floor(upgrades / sampleEvery / 2) * sampleEvery;
const last = at('upgrades', upgrades)!;
const result: LoadResult = done.load;
console.log(
  JSON.stringify({
    bench: 'extension-lifecycle',
    node: process.version,
    installToRoutableMs: { median: round(median(done.installMs)), max: round(Math.max(...done.installMs)) },
    goalInstallMs: 500,
    upgrades,
    upgradeMs: { median: round(median(done.upgradeMs)), max: round(Math.max(...done.upgradeMs)) },
    requestsDuringRun: result.requests,
    failedRequests: result.failed,
    before: { rssMiB: round(before.rss), heapUsedMiB: round(before.heapUsed) },
    loadWithoutUpgrades: { seconds: round(before.seconds - warm.seconds), ...growth(warm, before) },
    after100: at('upgrades', 100) ? growth(before, at('upgrades', 100)!) : undefined,
    afterAll: growth(before, last),
    kibPerUpgrade:
      half > 0
        ? { firstHalf: perUpgrade(before, at('upgrades', half)!), secondHalf: perUpgrade(at('upgrades', half)!, last) }
        : undefined,
    goalRssGrowthPercent: 10,
  }),
);
