import type { Registry } from 'prom-client';

/** One route/method/code series: plain numbers, updated per request without hashing labels. */
interface Series {
  labels: { route: string; method: string; code: string };
  /** Count per bucket (not cumulative); the last is +Inf. */
  buckets: number[];
  sum: number;
  count: number;
}

type MetricValue = { metricName?: string; labels: Record<string, string | number>; value: number };

/** A collector the registry reads like its own metrics: name, help, type and `get()`. */
function collector(name: string, help: string, type: 'counter' | 'histogram', values: () => MetricValue[]) {
  return {
    name,
    help,
    type,
    aggregator: 'sum',
    get: () => Promise.resolve({ name, help, type, aggregator: 'sum', values: values() }),
    reset: () => undefined,
  } as unknown as Parameters<Registry['registerMetric']>[0];
}

/**
 * HTTP request counts and latency by route template, method and code. A
 * labelled prom-client update hashes its labels on every call (two per
 * request, several µs on the proxy hot path); here a request finds its
 * series in one Map lookup and the registry reads the numbers when scraped.
 * The series count is bounded by the route templates, as before.
 */
export class RequestSeries {
  /** Every series, in creation order, for scrapes. */
  private readonly series: Series[] = [];
  /**
   * Route → method → code → series. Route templates and methods are the
   * framework's own (already hashed) strings and codes are small integers:
   * no key string is built and hashed per request.
   */
  private readonly byRoute = new Map<string, Map<string, Map<number, Series>>>();

  constructor(
    registry: Registry,
    private readonly bounds: readonly number[],
    names: { total: string; totalHelp: string; duration: string; durationHelp: string },
  ) {
    registry.registerMetric(
      collector(names.total, names.totalHelp, 'counter', () =>
        this.series.map((s) => ({ labels: s.labels, value: s.count })),
      ),
    );
    const name = names.duration;
    registry.registerMetric(
      collector(name, names.durationHelp, 'histogram', () =>
        this.series.flatMap((s) => {
          let cumulative = 0;
          const buckets = s.buckets.map((count, i) => {
            cumulative += count;
            const le = i < bounds.length ? (bounds[i] ?? 0) : '+Inf';
            return { metricName: `${name}_bucket`, labels: { ...s.labels, le }, value: cumulative };
          });
          return [
            ...buckets,
            { metricName: `${name}_sum`, labels: s.labels, value: s.sum },
            { metricName: `${name}_count`, labels: s.labels, value: s.count },
          ];
        }),
      ),
    );
  }

  observe(route: string, method: string, code: number, seconds: number): void {
    let methods = this.byRoute.get(route);
    if (!methods) this.byRoute.set(route, (methods = new Map<string, Map<number, Series>>()));
    let codes = methods.get(method);
    if (!codes) methods.set(method, (codes = new Map<number, Series>()));
    let s = codes.get(code);
    if (!s) {
      s = {
        labels: { route, method, code: String(code) },
        buckets: new Array<number>(this.bounds.length + 1).fill(0),
        sum: 0,
        count: 0,
      };
      codes.set(code, s);
      this.series.push(s);
    }
    let i = 0;
    while (i < this.bounds.length && seconds > (this.bounds[i] ?? Infinity)) i++;
    s.buckets[i] = (s.buckets[i] ?? 0) + 1;
    s.sum += seconds;
    s.count++;
  }
}
