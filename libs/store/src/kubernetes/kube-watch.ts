import type { Watch } from '@kubernetes/client-node';
import type { Resource } from '@mortise/api';
import type { WatchEvent } from '../resource-store.js';
import type { KubeCollection } from './kube-collection.js';
import { toDomainError, type ErrorSubject } from './kube-errors.js';
import type { KubeObject } from './kube-object-mapping.js';

export interface CollectionWatch {
  collection: KubeCollection;
  labelSelector: string;
  /** Absent or "0": list first and start with ADDED for every object. */
  resourceVersion?: string;
  /** Forward the server's BOOKMARK events. */
  bookmarks: boolean;
  signal: AbortSignal;
  subject: ErrorSubject;
}

const LIST_PAGE = 500;
const RECONNECT_DELAY_MS = 100;

/**
 * Follows one collection: an optional initial list, then a Kubernetes watch
 * from the last version seen. When the server ends the stream (watch
 * timeouts, restarts) it reconnects from that version; when the version is
 * no longer retained the server's 410 ERROR event surfaces as ExpiredError,
 * and the caller lists again.
 */
export async function* watchCollection(watcher: Watch, options: CollectionWatch): AsyncGenerator<WatchEvent> {
  try {
    yield* follow(watcher, options);
  } catch (err) {
    // A watch ended by its caller or by closing the store ends quietly, whatever the connection did meanwhile.
    if (!options.signal.aborted) throw err;
  }
}

async function* follow(watcher: Watch, options: CollectionWatch): AsyncGenerator<WatchEvent> {
  const { collection, labelSelector, signal, subject } = options;
  let resourceVersion = options.resourceVersion;
  if (resourceVersion === undefined || resourceVersion === '0') {
    let continueToken: string | undefined;
    do {
      const page = await collection.list(labelSelector, LIST_PAGE, continueToken);
      for (const object of page.items) yield { type: 'ADDED', object };
      resourceVersion = page.resourceVersion;
      continueToken = page.continue;
    } while (continueToken && !signal.aborted);
  }
  while (!signal.aborted) {
    const queue = new EventQueue<{ type: string; object: KubeObject }>();
    const onAbort = () => queue.end();
    signal.addEventListener('abort', onAbort, { once: true });
    let controller: AbortController | undefined;
    try {
      controller = await watcher.watch(
        collection.path,
        { resourceVersion, allowWatchBookmarks: true, ...(labelSelector ? { labelSelector } : {}) },
        (type: string, object: KubeObject) => queue.push({ type, object }),
        (err: unknown) => (err && !signal.aborted ? queue.fail(toDomainError(err, subject)) : queue.end()),
      );
      if (signal.aborted) return;
      for await (const raw of queue) {
        if (raw.type === 'ERROR') throw toDomainError(raw.object, subject);
        resourceVersion = raw.object.metadata?.resourceVersion ?? resourceVersion;
        if (raw.type === 'BOOKMARK') {
          if (options.bookmarks) yield { type: 'BOOKMARK', object: bookmark(raw.object) };
        } else if (raw.type === 'ADDED' || raw.type === 'MODIFIED' || raw.type === 'DELETED') {
          yield { type: raw.type, object: collection.decode(raw.object) };
        }
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      controller?.abort();
    }
    if (!signal.aborted) await new Promise((resolve) => setTimeout(resolve, RECONNECT_DELAY_MS));
  }
}

/**
 * Several collections as one stream (the all-kinds watch). A bookmark is
 * passed on only for the oldest version every stream has reached, so
 * resuming from it misses nothing in any collection.
 */
export async function* mergeWatches(
  streams: AsyncIterable<WatchEvent>[],
  startVersion: string | undefined,
  signal: AbortSignal,
): AsyncGenerator<WatchEvent> {
  const queue = new EventQueue<WatchEvent>();
  const reached: (number | undefined)[] = streams.map(() => (startVersion ? Number(startVersion) : undefined));
  let lastBookmark = 0;
  let running = streams.length;
  streams.forEach((stream, index) => {
    void (async () => {
      try {
        for await (const event of stream) {
          reached[index] = Number(event.object.metadata.resourceVersion);
          if (event.type !== 'BOOKMARK') queue.push(event);
          else if (reached.every((v) => v !== undefined)) {
            const oldest = Math.min(...reached);
            if (oldest > lastBookmark) {
              lastBookmark = oldest;
              queue.push({
                ...event,
                object: { ...event.object, metadata: { ...event.object.metadata, resourceVersion: String(oldest) } },
              });
            }
          }
        }
        if (--running === 0) queue.end();
      } catch (err) {
        queue.fail(err as Error);
      }
    })();
  });
  const onAbort = () => queue.end();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    yield* queue;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

function bookmark(kube: KubeObject): Resource {
  return {
    apiVersion: kube.apiVersion ?? '',
    kind: kube.kind ?? '',
    metadata: { name: '', resourceVersion: kube.metadata?.resourceVersion ?? '' },
  };
}

/** A push-to-pull bridge: callbacks push, one consumer iterates. */
class EventQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private wake: (() => void) | undefined;
  private ended = false;
  private failure: Error | undefined;

  push(item: T): void {
    if (this.ended) return;
    this.items.push(item);
    this.notify();
  }

  end(): void {
    this.ended = true;
    this.notify();
  }

  fail(error: Error): void {
    this.failure ??= error;
    this.end();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      if (this.items.length > 0) yield this.items.shift()!;
      else if (this.failure) throw this.failure;
      else if (this.ended) return;
      else await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
