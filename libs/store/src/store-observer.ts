import { kindLabel } from './object-key.js';
import type { KindRef } from './resource-store.js';

/**
 * Receives the latency of each store operation, e.g. to feed a Prometheus
 * histogram, without the store depending on a metrics library. `op` is the
 * ResourceStore method (`get`, `list`, `create`, …), `kind` is `Kind.group`.
 */
export type StoreObserver = (op: string, kind: string, seconds: number) => void;

/** Runs `fn` and reports its duration, failed or not, to the observer. */
export async function observed<T>(
  observer: StoreObserver | undefined,
  op: string,
  kind: KindRef,
  fn: () => T | Promise<T>,
): Promise<T> {
  if (!observer) return fn();
  const start = process.hrtime.bigint();
  try {
    return await fn();
  } finally {
    observer(op, kindLabel(kind), Number(process.hrtime.bigint() - start) / 1e9);
  }
}
