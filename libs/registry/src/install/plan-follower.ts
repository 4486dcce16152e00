import { ExpiredError, type InstallPlan, type Resource } from '@mortise/api';
import type { KindRef, ResourceStore } from '@mortise/store';

export interface FollowerLogger {
  warn(bindings: Record<string, unknown>, message: string): void;
}

/**
 * Lists a kind, then follows the store's watch from there, calling `onObject`
 * for every object seen (deleted ones with `deleted`). Relists when the watch
 * ends or expires. Work is handed to the caller's own queue, so a slow
 * reconcile never holds the stream.
 */
export class KindWatcher {
  private abort = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(
    private readonly store: ResourceStore,
    private readonly kind: KindRef,
    private readonly onObject: (object: Resource, deleted: boolean) => void,
    private readonly logger: FollowerLogger,
  ) {}

  /** Resolves after the first list has been handed over. */
  async start(): Promise<void> {
    // Startable again after stop: a replica that lost the lead may lead again later.
    this.abort = new AbortController();
    const listed = await this.store.list(this.kind);
    for (const item of listed.items) this.onObject(item, false);
    this.loop = this.follow(listed.metadata.resourceVersion);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  private async follow(fromVersion: string): Promise<void> {
    let version = fromVersion;
    while (!this.abort.signal.aborted) {
      try {
        for await (const event of this.store.watch({
          kind: this.kind,
          resourceVersion: version,
          signal: this.abort.signal,
        })) {
          if (event.type === 'BOOKMARK') continue;
          version = event.object.metadata.resourceVersion ?? version;
          this.onObject(event.object, event.type === 'DELETED');
        }
      } catch (err) {
        if (this.abort.signal.aborted) return;
        if (!(err instanceof ExpiredError)) {
          this.logger.warn({ kind: this.kind.kind, reason: (err as Error).message }, 'watch failed; relisting');
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
        const listed = await this.store.list(this.kind).catch(() => undefined);
        if (!listed) continue;
        for (const item of listed.items) this.onObject(item, false);
        version = listed.metadata.resourceVersion;
      }
    }
  }
}

/**
 * Runs work per key one at a time; a key asked for again while it runs runs
 * once more afterwards (the latest state is always looked at last).
 */
export class KeyedQueue {
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private stopped = false;

  constructor(private readonly work: (key: string) => Promise<void>) {}

  add(key: string): void {
    if (this.stopped) return;
    if (this.running.has(key)) {
      this.again.add(key);
      return;
    }
    const run = (async () => {
      try {
        await this.work(key);
      } finally {
        this.running.delete(key);
        if (this.again.delete(key)) this.add(key);
      }
    })();
    this.running.set(key, run);
  }

  /** Takes work again after `stop`. */
  resume(): void {
    this.stopped = false;
  }

  /** Waits for the work in progress, and takes no more. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.again.clear();
    await Promise.allSettled([...this.running.values()]);
  }

  /** Resolves once nothing runs or waits (tests). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
  }
}

export function isPlan(object: Resource): object is InstallPlan {
  return object.kind === 'InstallPlan';
}
