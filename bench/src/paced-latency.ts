import { Pool } from 'undici';
import { quantile } from './stats.js';

export interface PacedLatency {
  /** Microseconds, from each request's start to the last byte of its answer. */
  p50: number;
  p99: number;
  requests: number;
  failed: number;
}

export interface PacedTarget {
  url: string;
  headers: Record<string, string>;
}

/**
 * Sends GETs at a fixed `rate` per target for `seconds`, over `connections`
 * keep-alive connections per target, and returns each target's latency
 * percentiles in microseconds (autocannon reports whole milliseconds, too
 * coarse for a sub-millisecond budget). With several targets the requests
 * alternate between them, so every target is measured over the same
 * seconds: a stall of the shared machine lands in all series alike, and a
 * difference of percentiles is one of paths, not of moments.
 * Requests leave on timers, which may fire up to a millisecond late; the
 * client never spins, since it may share its CPU with the servers. At a
 * rate far below capacity no request waits for another, so latency counts
 * from when each request left.
 */
export async function pacedLatency(
  targets: readonly PacedTarget[],
  options: { rate: number; seconds: number; connections: number },
): Promise<PacedLatency[]> {
  const series = targets.map(({ url, headers }) => {
    const target = new URL(url);
    return {
      pool: new Pool(target.origin, { connections: options.connections, pipelining: 1 }),
      path: target.pathname + target.search,
      headers,
      latencies: [] as number[],
      failed: 0,
    };
  });
  const total = Math.round(options.rate * options.seconds) * series.length;
  const intervalNs = 1e9 / (options.rate * series.length);
  const started = process.hrtime.bigint();
  const pending: Array<Promise<void>> = [];
  for (let i = 0; i < total; i++) {
    const due = started + BigInt(Math.round(i * intervalNs));
    const wait = Number(due - process.hrtime.bigint()) / 1e6;
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const s = series[i % series.length];
    const sent = process.hrtime.bigint();
    pending.push(
      s.pool.request({ path: s.path, method: 'GET', headers: s.headers }).then(
        async (res) => {
          await res.body.dump();
          if (res.statusCode >= 400) s.failed++;
          else s.latencies.push(Number(process.hrtime.bigint() - sent) / 1e3);
        },
        () => void s.failed++,
      ),
    );
  }
  await Promise.all(pending);
  await Promise.all(series.map((s) => s.pool.close()));
  return series.map(({ latencies, failed }) => ({
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    requests: latencies.length,
    failed,
  }));
}
