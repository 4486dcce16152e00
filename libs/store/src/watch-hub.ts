import { BadRequestError, ExpiredError, type Resource } from '@mortise/api';
import type { ChangeRecord } from './change-record.js';
import { cloneJson } from './object-lifecycle.js';
import { compileSelection } from './object-selection.js';
import type { WatchEvent, WatchOptions } from './resource-store.js';
import { Watcher } from './watcher.js';

export interface WatchHistoryOptions {
  /** Keep at least this many recent changes… (default 10,000) */
  minEvents?: number;
  /** …or everything younger than this, whichever is more (default 5 minutes). */
  minAgeMs?: number;
  /** Hard cap so a write burst cannot exhaust memory (default 100,000). */
  maxEvents?: number;
  /** Pending events per watcher before it is closed with 410 (default 10,000). */
  queueLimit?: number;
  now?: () => number;
}

/**
 * Watch history and fan-out, shared by the in-process backends. Writers
 * `publish` each committed change synchronously; `watch` reads history and
 * subscribes in the same synchronous step, so a resumed watch has neither
 * gaps nor duplicates.
 */
export class WatchHub {
  private history: ChangeRecord[] = [];
  private head = 0;
  /** Every change after this version is in `history`. */
  private floorVersion: number;
  private latest: number;
  private readonly watchers = new Set<Watcher>();
  private readonly minEvents: number;
  private readonly minAgeMs: number;
  private readonly maxEvents: number;
  private readonly queueLimit: number;
  private readonly now: () => number;

  constructor(currentVersion: number, options: WatchHistoryOptions = {}) {
    this.floorVersion = currentVersion;
    this.latest = currentVersion;
    this.minEvents = options.minEvents ?? 10_000;
    this.minAgeMs = options.minAgeMs ?? 5 * 60_000;
    this.maxEvents = options.maxEvents ?? 100_000;
    this.queueLimit = options.queueLimit ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** The oldest version a watch may resume from. */
  get floor(): number {
    return this.floorVersion;
  }

  /** Open watches (for metrics and leak checks). */
  get watcherCount(): number {
    return this.watchers.size;
  }

  get currentVersion(): number {
    return this.latest;
  }

  /** Loads persisted history (oldest first, contiguous) on open. */
  seed(records: ChangeRecord[]): void {
    if (records.length === 0) return;
    this.history = [...records];
    this.head = 0;
    this.floorVersion = records[0].resourceVersion - 1;
    this.latest = Math.max(this.latest, records.at(-1)!.resourceVersion);
    this.prune();
  }

  publish(record: ChangeRecord): void {
    this.history.push(record);
    this.latest = record.resourceVersion;
    this.prune();
    for (const watcher of this.watchers) watcher.offer(record);
  }

  /**
   * Opens a watch. `snapshot` lists the current objects for a watch without a
   * starting version. Errors (bad selector, expired version) surface on the
   * first read, as they would from a remote backend.
   */
  watch(options: WatchOptions, snapshot: () => Resource[]): AsyncIterable<WatchEvent> {
    try {
      const matches = compileSelection(options);
      const fromVersion = options.resourceVersion;
      let initial: WatchEvent[];
      let after: number;
      if (fromVersion === undefined || fromVersion === '' || fromVersion === '0') {
        initial = snapshot()
          .filter(matches)
          .map((object) => ({ type: 'ADDED' as const, object: cloneJson(object) }));
        after = this.latest;
      } else {
        after = parseVersion(fromVersion);
        initial = [];
        if (after < this.floorVersion) {
          throw new ExpiredError(
            `too old resource version: ${after} (${this.floorVersion}); list again and watch from the list's resourceVersion`,
          );
        }
        const watcher = this.subscribe(options, matches, after, initial);
        for (const record of this.since(after)) watcher.offer(record, false);
        return watcher;
      }
      return this.subscribe(options, matches, after, initial);
    } catch (error) {
      return failed(error);
    }
  }

  /** Ends every watch, e.g. on close. */
  closeAll(): void {
    for (const watcher of [...this.watchers]) watcher.close();
  }

  private subscribe(
    options: WatchOptions,
    matches: (o: Resource) => boolean,
    after: number,
    initial: WatchEvent[],
  ): Watcher {
    const watcher = new Watcher(
      {
        kind: options.kind,
        matches,
        after,
        queueLimit: this.queueLimit,
        bookmarkIntervalMs: options.bookmarkIntervalMs,
        currentVersion: () => this.latest,
        signal: options.signal,
        onClose: (w) => this.watchers.delete(w),
      },
      initial,
    );
    if (!watcher.isClosed) this.watchers.add(watcher);
    return watcher;
  }

  private since(version: number): ChangeRecord[] {
    let low = this.head;
    let high = this.history.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.history[mid].resourceVersion <= version) low = mid + 1;
      else high = mid;
    }
    return this.history.slice(low);
  }

  private prune(): void {
    const cutoff = this.now() - this.minAgeMs;
    let size = this.history.length - this.head;
    while (size > this.maxEvents || (size > this.minEvents && this.history[this.head].time <= cutoff)) {
      this.floorVersion = this.history[this.head].resourceVersion;
      this.head++;
      size--;
    }
    if (this.head > 1024 && this.head * 2 > this.history.length) {
      this.history = this.history.slice(this.head);
      this.head = 0;
    }
  }
}

function parseVersion(version: string): number {
  if (!/^\d{1,15}$/.test(version)) throw new BadRequestError(`invalid resourceVersion "${version}"`);
  return Number(version);
}

function failed(error: unknown): AsyncIterable<WatchEvent> {
  return {
    [Symbol.asyncIterator]: () => ({
      next: () => Promise.reject(error instanceof Error ? error : new Error(String(error))),
    }),
  };
}
