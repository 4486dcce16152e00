/**
 * Leader failover with three kernels on the kubernetes store (the API-server
 * double): how long until another replica runs every controller, after the
 * leader dies without releasing its Lease and after it stops gracefully.
 * Lease 3 s, renew deadline 2 s, retry 0.5 s (the defaults are 15/10/2; a
 * crash then costs about 15–17 s, a graceful stop about a retry period).
 * Run: node bench/dist/failover.bench.js [rounds]
 */
import { startReplicas, type TestKernel } from '@mortise/kernel';
import { median } from './stats.js';

const rounds = Number(process.argv[2] ?? 3);

async function until(condition: () => boolean): Promise<number> {
  const started = Date.now();
  while (!condition()) await new Promise((r) => setTimeout(r, 10));
  return Date.now() - started;
}

const runsFully = (k: TestKernel) =>
  k.kernel.controllers.isLeader() && k.kernel.controllers.report().controllers.every((c) => c.state === 'running');

const crash: number[] = [];
const graceful: number[] = [];
for (let round = 0; round < rounds; round++) {
  const replicas = await startReplicas(3);
  try {
    await until(() => replicas.kernels.some(runsFully));
    const first = replicas.leader()!;
    const died = Date.now();
    await first.kernel.controllers.election.stop({ release: false });
    const survivors = replicas.kernels.filter((k) => k !== first);
    await until(() => survivors.some(runsFully));
    crash.push(Date.now() - died);
    await first.close();
    const second = replicas.leader()!;
    const last = survivors.find((k) => k !== second)!;
    const stopping = Date.now();
    await second.close();
    await until(() => runsFully(last));
    graceful.push(Date.now() - stopping);
  } finally {
    await replicas.close();
  }
}
console.log(`failover, leader killed (lease 3 s): median ${median(crash)} ms of ${crash.join(', ')}`);
console.log(`hand-over, leader stopped (close() included): median ${median(graceful)} ms of ${graceful.join(', ')}`);
