import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type {
  CounterMetric,
  ExtensionMetrics,
  GaugeMetric,
  HistogramMetric,
  HistogramOptions,
  MetricOptions,
} from '@mortise/sdk';

const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 30];

/**
 * One extension's request counts and latency histogram, kept as plain
 * numbers on the hot path (a labelled prom-client update per request costs
 * more than the rest of the dispatch bookkeeping) and read into the registry
 * when it is scraped.
 */
export class ExtensionRequestStats {
  inFlight = 0;
  /** version → answer code → count. */
  readonly answers = new Map<string, Map<number, number>>();
  /** Count per bucket (not cumulative); the last is +Inf. */
  readonly buckets: number[] = new Array<number>(DURATION_BUCKETS.length + 1).fill(0);
  durationSum = 0;
  durationCount = 0;

  constructor(readonly extension: string) {}

  /** The answer counts of one version, to keep for as long as it serves. */
  answersOf(version: string): Map<number, number> {
    let codes = this.answers.get(version);
    if (!codes) {
      codes = new Map();
      this.answers.set(version, codes);
    }
    return codes;
  }

  observe(seconds: number): void {
    let i = 0;
    while (i < DURATION_BUCKETS.length && seconds > (DURATION_BUCKETS[i] ?? Infinity)) i++;
    this.buckets[i] = (this.buckets[i] ?? 0) + 1;
    this.durationSum += seconds;
    this.durationCount++;
  }
}

type MetricValue = { metricName?: string; labels: Record<string, string | number>; value: number };

/** A collector the registry reads like its own metrics: name, help, type and `get()`. */
function collector(name: string, help: string, type: 'histogram', values: () => MetricValue[]) {
  return {
    name,
    help,
    type,
    aggregator: 'sum',
    get: async () => ({ name, help, type, aggregator: 'sum', values: values() }),
    reset: () => undefined,
  };
}

/** Request metrics of every in-process extension, labelled by extension. */
export class ExtensionRequestMetrics {
  readonly errors: Counter<'extension' | 'reason'>;
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
          for (const [version, codes] of s.answers) {
            for (const [code, count] of codes) this.inc({ extension: s.extension, version, code }, count);
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
    const name = 'mortise_extension_request_duration_seconds';
    registry.registerMetric(
      collector(name, 'Time from dispatch to the end of the response.', 'histogram', () =>
        [...stats.values()].flatMap((s) => {
          let cumulative = 0;
          const buckets = s.buckets.map((count, i) => {
            cumulative += count;
            const le = i < DURATION_BUCKETS.length ? (DURATION_BUCKETS[i] ?? 0) : '+Inf';
            return { metricName: `${name}_bucket`, labels: { extension: s.extension, le }, value: cumulative };
          });
          return [
            ...buckets,
            { metricName: `${name}_sum`, labels: { extension: s.extension }, value: s.durationSum },
            { metricName: `${name}_count`, labels: { extension: s.extension }, value: s.durationCount },
          ];
        }),
      ) as unknown as Parameters<Registry['registerMetric']>[0],
    );
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
