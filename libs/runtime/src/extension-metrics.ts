import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type {
  CounterMetric,
  ExtensionMetrics,
  GaugeMetric,
  HistogramMetric,
  HistogramOptions,
  MetricOptions,
} from '@mortise/sdk';

/**
 * One extension's request counts, kept as plain numbers on the hot path and
 * read into the Prometheus metrics when they are scraped.
 */
export class ExtensionRequestStats {
  inFlight = 0;
  /** `${version} ${code}` → answers. */
  readonly answers = new Map<string, number>();

  constructor(readonly extension: string) {}

  answered(version: string, code: number): void {
    const key = `${version} ${code}`;
    this.answers.set(key, (this.answers.get(key) ?? 0) + 1);
  }
}

/** Request metrics of every in-process extension, labelled by extension. */
export class ExtensionRequestMetrics {
  readonly errors: Counter<'extension' | 'reason'>;
  readonly duration: Histogram<'extension'>;
  private readonly stats = new Map<string, ExtensionRequestStats>();

  constructor(registry: Registry) {
    const stats = this.stats;
    new Counter({
      name: 'mortise_extension_requests_total',
      help: 'Requests dispatched to in-process extensions, by answer code.',
      labelNames: ['extension', 'version', 'code'],
      registers: [registry],
      collect() {
        this.reset();
        for (const s of stats.values()) {
          for (const [key, count] of s.answers) {
            const [version = '', code = ''] = key.split(' ');
            this.inc({ extension: s.extension, version, code }, count);
          }
        }
      },
    });
    new Gauge({
      name: 'mortise_extension_requests_in_flight',
      help: 'Requests an in-process extension is handling now.',
      labelNames: ['extension'],
      registers: [registry],
      collect() {
        this.reset();
        for (const s of stats.values()) this.set({ extension: s.extension }, s.inFlight);
      },
    });
    this.errors = new Counter({
      name: 'mortise_extension_request_errors_total',
      help: 'Requests an in-process extension failed: handler errors, timeouts, unavailable.',
      labelNames: ['extension', 'reason'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'mortise_extension_request_duration_seconds',
      help: 'Time from dispatch to the end of the response.',
      labelNames: ['extension'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 30],
      registers: [registry],
    });
  }

  statsFor(extension: string): ExtensionRequestStats {
    let stats = this.stats.get(extension);
    if (!stats) {
      stats = new ExtensionRequestStats(extension);
      this.stats.set(extension, stats);
    }
    return stats;
  }

  /** Drops an uninstalled extension's series. */
  async forget(extension: string): Promise<void> {
    this.stats.delete(extension);
    const { values } = await this.errors.get();
    for (const { labels } of values) if (labels['extension'] === extension) this.errors.remove(labels);
    this.duration.remove({ extension });
  }
}

type AnyMetric = Counter | Gauge | Histogram;

/**
 * The `ExtensionMetrics` given to one extension: its metrics are named
 * `mortise_ext_<extension>_<name>` in the kernel's registry. The same name
 * returns the same metric, so an upgraded version keeps counting.
 */
export class NamespacedMetrics implements ExtensionMetrics {
  private readonly metrics = new Map<string, AnyMetric>();
  private readonly prefix: string;

  constructor(
    private readonly registry: Registry,
    extension: string,
  ) {
    this.prefix = `mortise_ext_${extension.replaceAll('-', '_')}_`;
  }

  counter<L extends string>(options: MetricOptions<L>): CounterMetric<L> {
    return this.getOrCreate(options, 'counter', (config) => new Counter(config)) as Counter<L>;
  }

  gauge<L extends string>(options: MetricOptions<L>): GaugeMetric<L> {
    return this.getOrCreate(options, 'gauge', (config) => new Gauge(config)) as Gauge<L>;
  }

  histogram<L extends string>(options: HistogramOptions<L>): HistogramMetric<L> {
    return this.getOrCreate(
      options,
      'histogram',
      (config) => new Histogram({ ...config, ...(options.buckets ? { buckets: [...options.buckets] } : {}) }),
    ) as Histogram<L>;
  }

  /** Unregisters every metric of the extension (uninstall). */
  remove(): void {
    for (const name of this.metrics.keys()) this.registry.removeSingleMetric(name);
    this.metrics.clear();
  }

  private getOrCreate(
    options: MetricOptions,
    type: string,
    create: (config: { name: string; help: string; labelNames: string[]; registers: Registry[] }) => AnyMetric,
  ): AnyMetric {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(options.name)) {
      throw new TypeError(`metric name "${options.name}" must match [a-zA-Z_][a-zA-Z0-9_]*`);
    }
    const name = this.prefix + options.name;
    const existing = this.metrics.get(name);
    if (existing) {
      if (existing.constructor.name.toLowerCase() !== type) {
        throw new TypeError(`metric "${options.name}" already exists as a ${existing.constructor.name.toLowerCase()}`);
      }
      return existing;
    }
    const metric = create({
      name,
      help: options.help,
      labelNames: [...(options.labelNames ?? [])],
      registers: [this.registry],
    });
    this.metrics.set(name, metric);
    return metric;
  }
}
