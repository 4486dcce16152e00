import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';

export interface ColdStart {
  readyMs: number;
  /** CPU (user + system) the process spent until ready: steadier than wall time on a shared machine. */
  readyCpuMs: number;
  idleRssMb: number;
  /** Lowest RSS read once a second until `settleMs`, after V8's memory reducer has run; equal to idleRssMb without settleMs. */
  settledRssMb: number;
}

export interface ColdStartOptions {
  /** Node flags before the entry. */
  nodeArgs?: string[];
  /** How long the process idles after ready before its RSS is read. */
  idleMs?: number;
  /**
   * Keep idling until this long after ready, reading RSS once a second: V8
   * shrinks the young generation it grew during start-up only when its
   * memory reducer runs, some seconds into an idle period.
   */
  settleMs?: number;
}

export function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Math.round(Number(match[1]) / 1024) : NaN;
}

/** utime + stime of a process in ms (fields 14 and 15 of /proc/<pid>/stat, in clock ticks of 10 ms). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * Spawns an entry (the built kernel, or a baseline server honouring the same
 * `MORTISE_PORT`) on `dataDir`; time from spawn to the first `/readyz` 200,
 * then RSS after it has idled (and its lowest while settling).
 */
export async function measureColdStart(
  mainJs: string,
  dataDir: string,
  port: number,
  options: ColdStartOptions = {},
): Promise<ColdStart> {
  const started = performance.now();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), mainJs], {
    env: {
      ...process.env,
      MORTISE_PORT: String(port),
      MORTISE_HOST: '127.0.0.1',
      MORTISE_DATA_DIR: dataDir,
      MORTISE_LOG_LEVEL: 'warn',
      MORTISE_ADMIN_PASSWORD: 'cold-start-bench',
    },
    stdio: 'ignore',
  });
  try {
    for (;;) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200) break;
      } catch {
        // not listening yet
      }
      if (performance.now() - started > 20_000) throw new Error(`${mainJs} did not become ready within 20 s`);
      await new Promise((r) => setTimeout(r, 5));
    }
    const readyMs = Math.round(performance.now() - started);
    const readyCpuMs = cpuMs(child.pid!);
    const idleMs = options.idleMs ?? 1000;
    await new Promise((r) => setTimeout(r, idleMs));
    const idleRssMb = rssMb(child.pid!);
    let settledRssMb = idleRssMb;
    for (let waited = idleMs; waited < (options.settleMs ?? 0); waited += 1000) {
      await new Promise((r) => setTimeout(r, 1000));
      settledRssMb = Math.min(settledRssMb, rssMb(child.pid!));
    }
    return { readyMs, readyCpuMs, idleRssMb, settledRssMb };
  } finally {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }
}
