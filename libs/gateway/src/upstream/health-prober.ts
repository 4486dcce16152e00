import type { Upstream, UpstreamAvailability } from './upstream.js';

export interface HealthProberOptions {
  intervalMs?: number;
  /** Consecutive failed probes before an upstream is marked Unavailable. */
  failuresToUnavailable?: number;
  /** Path probed under the upstream's base path; any answer below 500 counts as up. */
  path?: string;
}

/**
 * Active health checks: every interval, one GET per upstream over its own
 * pool. The result sets the upstream's availability (and with it the
 * object's `Available` condition); an Unavailable upstream is answered 503
 * at once instead of making each caller wait for a timeout.
 */
export class HealthProber {
  private timer: NodeJS.Timeout | undefined;
  private readonly failures = new WeakMap<Upstream, number>();
  private readonly intervalMs: number;
  private readonly threshold: number;
  private readonly path: string;

  constructor(
    private readonly upstreams: () => Iterable<[string, Upstream]>,
    private readonly onChange: (key: string, upstream: Upstream) => void,
    options: HealthProberOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 5_000;
    this.threshold = options.failuresToUnavailable ?? 2;
    this.path = options.path ?? '/healthz';
  }

  start(): void {
    this.timer = setInterval(() => void this.probeAll(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async probeAll(): Promise<void> {
    await Promise.all([...this.upstreams()].map(([key, upstream]) => this.probe(key, upstream)));
  }

  async probe(key: string, upstream: Upstream): Promise<void> {
    const result = await this.check(upstream);
    let next: UpstreamAvailability;
    if (result.ok) {
      this.failures.set(upstream, 0);
      next = { state: 'Available', reason: 'ProbeSucceeded', message: `health probe answered ${result.detail}` };
    } else {
      const count = (this.failures.get(upstream) ?? 0) + 1;
      this.failures.set(upstream, count);
      // A fresh upstream is judged by its first probe; a serving one gets `failuresToUnavailable` chances.
      if (count < this.threshold && upstream.state.reason !== 'Configured' && upstream.state.state === 'Available')
        return;
      next = { state: 'Unavailable', reason: 'ProbeFailed', message: `health probe failed: ${result.detail}` };
    }
    if (upstream.setAvailability(next)) this.onChange(key, upstream);
  }

  private async check(upstream: Upstream): Promise<{ ok: boolean; detail: string }> {
    try {
      const res = await upstream.pool.request({
        method: 'GET',
        path: upstream.target.basePath + this.path,
        headersTimeout: Math.min(upstream.target.responseTimeoutMs, this.intervalMs),
        bodyTimeout: this.intervalMs,
      });
      await res.body.dump();
      return { ok: res.statusCode < 500, detail: `HTTP ${res.statusCode}` };
    } catch (err) {
      const code = (err as { code?: string }).code;
      return { ok: false, detail: code ?? (err as Error).message };
    }
  }
}
