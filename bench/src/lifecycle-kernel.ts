// The kernel side of extension-lifecycle.bench: an in-memory kernel with the
// sample extension, run with --expose-gc in its own process so that its
// memory is the kernel's alone. The load comes from the parent, which this
// process asks to start and stop it (IPC).
import { writeHeapSnapshot } from 'node:v8';
import { fileURLToPath } from 'node:url';
import { InMemoryKernel, copyExtensionPackage } from '@mortise/runtime';
import type { LoadResult } from './bench-load.js';
import { sampleMemory, type MemorySample } from './memory-sample.js';

export interface LifecycleOptions {
  upgrades: number;
  sampleEvery: number;
  /** Samples of the same load with no upgrades, `idleIntervalMs` apart, before the upgrades. */
  idleSamples: number;
  idleIntervalMs: number;
  warmupMs: number;
  /** Upgrade counts after which to write a heap snapshot. */
  snapshotsAt: number[];
}

export type LifecycleSample = MemorySample & {
  phase: 'warm' | 'idle' | 'upgrades' | 'unloaded';
  upgrades: number;
  seconds: number;
};

export type KernelMessage =
  | { type: 'start-load'; url: string; headers: Record<string, string> }
  | { type: 'stop-load' }
  | { type: 'sample'; sample: LifecycleSample }
  | { type: 'snapshot'; upgrades: number; file: string }
  | { type: 'done'; installMs: number[]; upgradeMs: number[]; load: LoadResult };

const SAMPLE = fileURLToPath(new URL('../../extensions/announcements/', import.meta.url));
const INBOX = '/kapis/announcements.samples.mortise.io/v1/namespaces/bench/inbox';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const send = (message: KernelMessage) => process.send!(message);

/** Sends a message and waits for the parent's answer to it. */
function ask<T>(message: KernelMessage): Promise<T> {
  return new Promise((resolve) => {
    process.once('message', (answer) => resolve(answer as T));
    send(message);
  });
}

const options = JSON.parse(process.argv[2] ?? '{}') as LifecycleOptions;
const unpack = (version: string) => copyExtensionPackage(SAMPLE, version);
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

// Upgrades alternate between two unpacked versions; each load is a fresh module graph.
const directories = [await unpack('2.0.0'), await unpack('2.0.1')];
await kernel.runtime.install(directories[0]);
await kernel.runtime.upgrade('announcements', directories[1]);

const started = performance.now();
const sample = (phase: LifecycleSample['phase'], upgrades: number) =>
  send({
    type: 'sample',
    sample: { phase, upgrades, seconds: (performance.now() - started) / 1000, ...sampleMemory() },
  });

await ask({ type: 'start-load', url: `${base}${INBOX}`, headers });
await sleep(options.warmupMs);
sample('warm', 0);
for (let i = 0; i < options.idleSamples; i++) {
  await sleep(options.idleIntervalMs);
  sample('idle', 0);
}
const upgradeMs: number[] = [];
for (let i = 1; i <= options.upgrades; i++) {
  const t = performance.now();
  await kernel.runtime.upgrade('announcements', directories[i % 2]);
  upgradeMs.push(performance.now() - t);
  if (i % options.sampleEvery === 0) sample('upgrades', i);
  if (options.snapshotsAt.includes(i)) send({ type: 'snapshot', upgrades: i, file: writeHeapSnapshot() });
}
const load = await ask<LoadResult>({ type: 'stop-load' });
await sleep(200);
sample('unloaded', options.upgrades);
send({ type: 'done', installMs, upgradeMs, load });
await kernel.close();
process.disconnect();
