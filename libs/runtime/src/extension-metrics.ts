import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type {
  CounterMetric,
  ExtensionMetrics,
  GaugeMetric,
  HistogramMetric,
  HistogramOptions,
  MetricOptions,
} from '@mortise/sdk';

/** Request metrics of every in-process extension, labelled by extension. */
export class ExtensionRequestMetrics {
  readonly requests: Counter<'extension' | 'version' | 'code'>;
  readonly errors: Counter<'extension' | 'reason'>;
  readonly duration: Histogram<'extension'>;
  readonly inFlight: Gauge<'extension'>;

  constructor(registry: Registry) {
    this.requests = new Counter({
      name: 'mortise_extension_requests_total',
      help: 'Requests dispatched to in-process extensions, by answer code.',
      labelNames: ['extension', 'version', 'code'],
      registers: [registry],
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
    this.inFlight = new Gauge({
      name: 'mortise_extension_requests_in_flight',
      help: 'Requests an in-process extension is handling now.',
      labelNames: ['extension'],
      registers: [registry],
    });
  }

  /** Drops an uninstalled extension's series (every label combination it has). */
  async forget(extension: string): Promise<void> {
    for (const metric of [this.requests, this.errors] as Counter<string>[]) {
      const { values } = await metric.get();
      for (const { labels } of values) if (labels['extension'] === extension) metric.remove(labels);
    }
    this.duration.remove({ extension });
    this.inFlight.remove({ extension });
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
