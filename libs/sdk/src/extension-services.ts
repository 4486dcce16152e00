/** A child of the kernel's logger, bound to the extension (pino-style: object first, then message). */
export interface ExtensionLogger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

export interface MetricOptions<L extends string = string> {
  /** Without prefix; the kernel prefixes `mortise_ext_<extension>_`. */
  name: string;
  help: string;
  labelNames?: readonly L[];
}

export interface HistogramOptions<L extends string = string> extends MetricOptions<L> {
  /** Seconds. */
  buckets?: readonly number[];
}

export type MetricLabels<L extends string> = Partial<Record<L, string | number>>;

export interface CounterMetric<L extends string = string> {
  inc(labels?: MetricLabels<L>, value?: number): void;
}

export interface GaugeMetric<L extends string = string> {
  set(labels: MetricLabels<L>, value: number): void;
  inc(labels?: MetricLabels<L>, value?: number): void;
  dec(labels?: MetricLabels<L>, value?: number): void;
}

export interface HistogramMetric<L extends string = string> {
  observe(labels: MetricLabels<L>, value: number): void;
}

/**
 * Metrics of the extension, exported on the kernel's `/metrics` under the
 * extension's namespace and removed with it. Asking twice for one name
 * returns the same metric, so an upgrade keeps its series.
 */
export interface ExtensionMetrics {
  counter<L extends string>(options: MetricOptions<L>): CounterMetric<L>;
  gauge<L extends string>(options: MetricOptions<L>): GaugeMetric<L>;
  histogram<L extends string>(options: HistogramOptions<L>): HistogramMetric<L>;
}

/** What the running extension is: from `extension.yaml` and the install. */
export interface ExtensionIdentity {
  name: string;
  version: string;
  /** The API group the extension owns; its routes live under `/kapis/{group}/{apiVersion}/`. */
  group: string;
  apiVersion: string;
}
