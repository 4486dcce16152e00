import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/**
 * CPUs for the server under test and for everything else (the load
 * generator, upstreams), when `BENCH_PIN=1` and there are at least two: the
 * server then gets a CPU of its own and is the bottleneck, so its figures say
 * what it costs rather than how the scheduler shared the cores among busy
 * processes. `taskset` is util-linux's.
 */
export const CPU_PINNING =
  process.env.BENCH_PIN === '1' && availableParallelism() >= 2
    ? { server: String(availableParallelism() - 1), rest: `0-${availableParallelism() - 2}` }
    : undefined;

/** Moves every thread of a running process onto `cpus` (a taskset list). */
export function pinProcess(pid: number, cpus: string): void {
  execFileSync('taskset', ['-a', '-cp', cpus, String(pid)], { stdio: 'ignore' });
}
