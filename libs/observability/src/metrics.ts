import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { RequestSeries } from './request-series.js';

/** Called by the store after each operation; kept as a plain callback so the store does not depend on prom-client. */
export type StoreObserver = (op: string, kind: string, seconds: number) => void;

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The kernel's Prometheus registry. HTTP metrics are labelled by route
 * template (`/kapis/:group/:version/*`), never the raw path, so a client
 * cannot grow the series count by inventing URLs.
 */
export class KernelMetrics {
  readonly registry = new Registry();
  private readonly requests: RequestSeries;
  private readonly storeDuration: Histogram<'op' | 'kind'>;

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    this.requests = new RequestSeries(this.registry, LATENCY_BUCKETS, {
      total: 'mortise_http_requests_total',
      totalHelp: 'HTTP requests served, by route template, method and status code.',
      duration: 'mortise_http_request_duration_seconds',
      durationHelp: 'Time from request received to response sent, by route template, method and status code.',
    });
    this.storeDuration = new Histogram({
      name: 'mortise_store_operation_duration_seconds',
      help: 'Store operation latency, by operation and kind.',
      labelNames: ['op', 'kind'],
      buckets: LATENCY_BUCKETS,
      registers: [this.registry],
    });
  }

  observeRequest(route: string, method: string, code: number, seconds: number): void {
    this.requests.observe(route, method, code, seconds);
  }

  readonly observeStore: StoreObserver = (op, kind, seconds) => {
    this.storeDuration.observe({ op, kind }, seconds);
  };

  /**
   * `mortise_leader` (1 on the replica running the controllers) and
   * `mortise_controller_running{controller}`, read from `report` at each scrape.
   */
  trackControllers(report: () => { leading: boolean; controllers: { name: string; state: string }[] }): void {
    new Gauge({
      name: 'mortise_leader',
      help: '1 while this replica leads and runs the controllers, else 0.',
      registers: [this.registry],
      collect() {
        this.set(report().leading ? 1 : 0);
      },
    });
    new Gauge({
      name: 'mortise_controller_running',
      help: '1 for each controller running on this replica, 0 for one idle or failed.',
      labelNames: ['controller'],
      registers: [this.registry],
      collect() {
        for (const c of report().controllers) this.set({ controller: c.name }, c.state === 'running' ? 1 : 0);
      },
    });
  }

  contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
