import { Pool } from 'undici';

export interface PacedLatency {
  /** Microseconds, from each request's start to the last byte of its answer. */
  p50: number;
  p99: number;
  requests: number;
  failed: number;
}

/**
 * Sends GETs at a fixed `rate` for `seconds` over `connections` keep-alive
 * connections and returns latency percentiles in microseconds (autocannon
 * reports whole milliseconds, too coarse for a sub-millisecond budget).
 * Requests leave on timers, which may fire up to a millisecond late; the
 * client never spins, since it may share its CPU with the upstream. At a
 * rate far below capacity no request waits for another, so latency counts
 * from when each request left.
 */
export async function pacedLatency(
  url: string,
  headers: Record<string, string>,
  options: { rate: number; seconds: number; connections: number },
): Promise<PacedLatency> {
  const target = new URL(url);
  const pool = new Pool(target.origin, { connections: options.connections, pipelining: 1 });
  const path = target.pathname + target.search;
  const total = Math.round(options.rate * options.seconds);
  const intervalNs = 1e9 / options.rate;
  const latencies: number[] = [];
  let failed = 0;
  const started = process.hrtime.bigint();
  const pending: Array<Promise<void>> = [];
  for (let i = 0; i < total; i++) {
    const due = started + BigInt(Math.round(i * intervalNs));
    const wait = Number(due - process.hrtime.bigint()) / 1e6;
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const sent = process.hrtime.bigint();
    pending.push(
      pool.request({ path, method: 'GET', headers }).then(
        async (res) => {
          await res.body.dump();
          if (res.statusCode >= 400) failed++;
          else latencies.push(Number(process.hrtime.bigint() - sent) / 1e3);
        },
        () => void failed++,
      ),
    );
  }
  await Promise.all(pending);
  await pool.close();
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), requests: latencies.length, failed };
}
