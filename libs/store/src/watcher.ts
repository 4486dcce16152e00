import { ExpiredError, type Resource } from '@mortise/api';
import type { ChangeRecord } from './change-record.js';
import { cloneJson, withResourceVersion } from './object-lifecycle.js';
import type { KindRef, WatchEvent } from './resource-store.js';

export interface WatcherOptions {
  kind?: KindRef;
  matches: (object: Resource) => boolean;
  /** Changes at or below this version are already covered (by the snapshot or the caller). */
  after: number;
  /** Pending events allowed before the watch is closed with ExpiredError. */
  queueLimit: number;
  bookmarkIntervalMs?: number;
  currentVersion: () => number;
  signal?: AbortSignal;
  onClose: (watcher: Watcher) => void;
}

/**
 * One watch: a bounded queue the writer pushes into without waiting, read by
 * an async iterator. A consumer too slow to keep up is cut off with
 * ExpiredError (410) rather than slowing writers or buffering without bound;
 * it lists again and resumes, as Kubernetes clients do.
 */
export class Watcher implements AsyncIterable<WatchEvent> {
  private readonly queue: WatchEvent[] = [];
  /** Snapshot and replayed events: finite, so they widen the bound instead of counting against it. */
  private unbounded = 0;
  private closed = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly onAbort = (): void => this.close();

  constructor(
    private readonly options: WatcherOptions,
    initial: WatchEvent[],
  ) {
    this.queue.push(...initial);
    this.unbounded = initial.length;
    if (options.bookmarkIntervalMs && options.bookmarkIntervalMs > 0) {
      // A bookmark only matters to an idle consumer; one that is behind gets versions from its events.
      this.timer = setInterval(() => {
        if (this.queue.length === 0) this.push(this.bookmark());
      }, options.bookmarkIntervalMs);
      this.timer.unref();
    }
    if (options.signal?.aborted) this.close();
    else options.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /**
   * Called by the hub for every committed change, in resourceVersion order.
   * History replayed at the start is not `bounded`: it is finite and already retained.
   */
  offer(record: ChangeRecord, bounded = true): void {
    if (this.closed || record.resourceVersion <= this.options.after) return;
    const event = toWatchEvent(record, this.options);
    if (!event) return;
    if (!bounded) this.unbounded++;
    else if (this.queue.length >= this.options.queueLimit + this.unbounded) {
      this.fail(
        new ExpiredError(
          `watch closed: the consumer fell more than ${this.options.queueLimit} events behind; list again and watch from the list's resourceVersion`,
        ),
      );
      return;
    }
    this.push(event);
  }

  fail(error: Error): void {
    if (this.closed) return;
    this.failure = error;
    this.queue.length = 0;
    this.close();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Ends the watch; events still queued are dropped (the consumer asked to stop). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.options.signal?.removeEventListener('abort', this.onAbort);
    this.options.onClose(this);
    this.wakeReader();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<WatchEvent> {
    try {
      for (;;) {
        if (this.failure) throw this.failure;
        if (this.closed) return;
        const event = this.queue.shift();
        if (event) {
          yield event;
          continue;
        }
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    } finally {
      this.close();
    }
  }

  private push(event: WatchEvent): void {
    if (this.closed) return;
    this.queue.push(event);
    this.wakeReader();
  }

  private wakeReader(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private bookmark(): WatchEvent {
    return {
      type: 'BOOKMARK',
      object: {
        apiVersion: this.options.kind?.group ? `${this.options.kind.group}/v1` : 'v1',
        kind: this.options.kind?.kind ?? '',
        metadata: { name: '', resourceVersion: String(this.options.currentVersion()) },
      },
    };
  }
}

/**
 * Maps a change to what this watch sees, as the Kubernetes watch cache does:
 * an update that moves an object into the selection is ADDED, out of it DELETED
 * (with the previous state at the new resourceVersion).
 */
function toWatchEvent(record: ChangeRecord, options: WatcherOptions): WatchEvent | undefined {
  if (options.kind && (options.kind.group !== record.group || options.kind.kind !== record.kind)) return undefined;
  const now = options.matches(record.object);
  switch (record.type) {
    case 'ADDED':
    case 'DELETED':
      return now ? { type: record.type, object: cloneJson(record.object) } : undefined;
    case 'MODIFIED': {
      const was = record.previous !== undefined && options.matches(record.previous);
      if (now) return { type: was ? 'MODIFIED' : 'ADDED', object: cloneJson(record.object) };
      if (!was || !record.previous) return undefined;
      return {
        type: 'DELETED',
        object: cloneJson(withResourceVersion(record.previous, String(record.resourceVersion))),
      };
    }
    default: {
      const unreachable: never = record.type;
      return unreachable;
    }
  }
}
