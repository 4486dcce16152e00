import type { Repository } from '@mortise/api';
import { RepositoryRef, SYNC_REQUEST_ANNOTATION, parseDuration } from './catalogue-names.js';
import { forgetRepository, syncRepository, type RepositorySyncOptions, type SyncResult } from './repository-sync.js';

export interface RepositorySyncControllerOptions extends RepositorySyncOptions {
  /** Told about syncs that failed, and about errors of the controller itself; never given secrets. */
  onError?: (error: unknown, context: string) => void;
  onSynced?: (result: SyncResult) => void;
  /** Shortest poll interval honoured, so a `1ms` pollInterval cannot spin (default 10 s). */
  minPollIntervalMs?: number;
  /** Wait before re-opening the store's watch after it ended with an error. */
  rewatchDelayMs?: number;
}

interface Tracked {
  /** `generation|sync-requested annotation` last acted on: a status write alone triggers nothing. */
  trigger: string;
  timer?: NodeJS.Timeout;
  pollMs?: number;
}

/**
 * Keeps the catalogue in line with every Repository: syncs one when it is
 * created, when its spec changes, when its `extensions.mortise.io/sync-requested`
 * annotation is set or changed, and every `pollInterval`. Syncs of one
 * repository never overlap (a trigger during a sync queues one more). A
 * deleted Repository's versions are removed unless installed. Leader-only
 * work: it has the controller shape the kernel's host starts and stops.
 */
export class RepositorySyncController {
  readonly name = 'repository-sync';
  private readonly tracked = new Map<string, Tracked>();
  private readonly running = new Map<string, Promise<SyncResult | undefined>>();
  private readonly queued = new Set<string>();
  private abort: AbortController | undefined;
  private loop: Promise<void> | undefined;

  constructor(private readonly options: RepositorySyncControllerOptions) {}

  start(): Promise<void> {
    if (this.abort) return Promise.resolve();
    const abort = new AbortController();
    this.abort = abort;
    this.loop = this.follow(abort.signal);
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    this.abort?.abort();
    this.abort = undefined;
    for (const entry of this.tracked.values()) clearTimeout(entry.timer);
    this.tracked.clear();
    this.queued.clear();
    await this.loop;
    await Promise.allSettled([...this.running.values()]);
  }

  /** Syncs now (after a sync already running for it); resolves with the outcome, undefined when it does not exist. */
  sync(name: string): Promise<SyncResult | undefined> {
    const current = this.running.get(name);
    if (current) {
      this.queued.add(name);
      return current.then(() => this.running.get(name) ?? this.sync(name));
    }
    const run = syncRepository(this.options, name)
      .then((result) => {
        if (result) {
          if (!result.ok) this.options.onError?.(new Error(result.message), `repository ${name}: ${result.reason}`);
          this.options.onSynced?.(result);
        }
        return result;
      })
      .finally(() => {
        this.running.delete(name);
        this.schedule(name);
        if (this.queued.delete(name))
          void this.sync(name).catch((error: unknown) => this.options.onError?.(error, name));
      });
    this.running.set(name, run);
    return run;
  }

  private async follow(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        for await (const event of this.options.store.watch({ kind: RepositoryRef, signal })) {
          if (event.type === 'BOOKMARK') continue;
          const repository = event.object as Repository;
          if (event.type === 'DELETED') this.forget(repository.metadata.name);
          else this.observe(repository);
        }
      } catch (error) {
        if (signal.aborted) return;
        this.options.onError?.(error, 'watching repositories');
      }
      if (!signal.aborted) await delay(this.options.rewatchDelayMs ?? 1000, signal);
    }
  }

  private observe(repository: Repository): void {
    const name = repository.metadata.name;
    const trigger = `${repository.metadata.generation ?? 0}|${repository.metadata.annotations?.[SYNC_REQUEST_ANNOTATION] ?? ''}`;
    const entry = this.tracked.get(name) ?? { trigger: '' };
    entry.pollMs = this.pollIntervalOf(repository);
    this.tracked.set(name, entry);
    if (entry.trigger === trigger) return;
    entry.trigger = trigger;
    this.trigger(name);
  }

  private forget(name: string): void {
    clearTimeout(this.tracked.get(name)?.timer);
    this.tracked.delete(name);
    void forgetRepository(this.options, name).catch((error: unknown) =>
      this.options.onError?.(error, `forgetting repository ${name}`),
    );
  }

  private trigger(name: string): void {
    void this.sync(name).catch((error: unknown) => this.options.onError?.(error, `syncing repository ${name}`));
  }

  /** The next poll, counted from the end of the last sync. */
  private schedule(name: string): void {
    const entry = this.tracked.get(name);
    if (!entry || !this.abort) return;
    clearTimeout(entry.timer);
    if (entry.pollMs === undefined) return;
    entry.timer = setTimeout(() => this.trigger(name), entry.pollMs);
    entry.timer.unref();
  }

  private pollIntervalOf(repository: Repository): number | undefined {
    if (!repository.spec.pollInterval) return undefined;
    try {
      return Math.max(parseDuration(repository.spec.pollInterval), this.options.minPollIntervalMs ?? 10_000);
    } catch {
      return undefined;
    }
  }
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
