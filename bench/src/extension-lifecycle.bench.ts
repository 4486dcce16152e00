/**
 * Install → routable time, and 100 upgrades of the sample extension under
 * continuous load: failed requests and what the process retains (RSS and
 * heap after a full GC, before and after).
 * Run: node --expose-gc bench/dist/extension-lifecycle.bench.js [upgrades]
 */
import { fileURLToPath } from 'node:url';
import { InMemoryKernel, copyExtensionPackage } from '@mortise/runtime';
import { loadInBackground, median } from './bench-load.js';

const upgrades = Number(process.argv[2] ?? 100);
const SAMPLE = fileURLToPath(new URL('../../extensions/announcements/', import.meta.url));
const INBOX = '/kapis/announcements.samples.mortise.io/v1/namespaces/bench/inbox';
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

const unpack = (version: string) => copyExtensionPackage(SAMPLE, version);

function memory() {
  gc!();
  gc!();
  const { rss, heapUsed } = process.memoryUsage();
  return { rssMiB: rss / 2 ** 20, heapMiB: heapUsed / 2 ** 20 };
}

const kernel = await InMemoryKernel.start({ users: { bench: { roleTemplates: ['announcements-manage'] } } });
const base = await kernel.listen();
const headers = { authorization: 'Bearer bench' };

// Install → routable: from the install call to the first 200 on a route.
const installMs: number[] = [];
for (let i = 0; i < 7; i++) {
  const directory = await unpack(`1.0.${i}`);
  const started = performance.now();
  const installing = kernel.runtime.install(directory);
  for (;;) {
    const res = await fetch(`${base}${INBOX}`, { headers });
    await res.arrayBuffer();
    if (res.status === 200) break;
  }
  installMs.push(performance.now() - started);
  await installing;
  await kernel.runtime.uninstall('announcements', { purge: true });
}

// Upgrades under load, alternating between two unpacked versions; each load is a fresh module graph.
const directories = [await unpack('2.0.0'), await unpack('2.0.1')];
await kernel.runtime.install(directories[0]);
await kernel.runtime.upgrade('announcements', directories[1]);
const load = loadInBackground(`${base}${INBOX}`, headers);
await new Promise((resolve) => setTimeout(resolve, 500));
const before = memory();
const upgradeMs: number[] = [];
for (let i = 0; i < upgrades; i++) {
  const started = performance.now();
  await kernel.runtime.upgrade('announcements', directories[i % 2]);
  upgradeMs.push(performance.now() - started);
}
await new Promise((resolve) => setTimeout(resolve, 500));
const result = await load.stop();
const after = memory();

console.log(
  JSON.stringify({
    bench: 'extension-lifecycle',
    installToRoutableMs: {
      median: Number(median(installMs).toFixed(1)),
      max: Number(Math.max(...installMs).toFixed(1)),
    },
    goalInstallMs: 500,
    upgrades,
    upgradeMs: { median: Number(median(upgradeMs).toFixed(1)), max: Number(Math.max(...upgradeMs).toFixed(1)) },
    requestsDuringUpgrades: result.requests,
    failedRequests: result.failed,
    rssMiB: { before: Number(before.rssMiB.toFixed(1)), after: Number(after.rssMiB.toFixed(1)) },
    rssGrowthPercent: Number((((after.rssMiB - before.rssMiB) / before.rssMiB) * 100).toFixed(1)),
    heapMiB: { before: Number(before.heapMiB.toFixed(1)), after: Number(after.heapMiB.toFixed(1)) },
    retainedKiBPerUpgrade: Number((((after.heapMiB - before.heapMiB) * 1024) / upgrades).toFixed(1)),
  }),
);
await kernel.close();
