import type { Resource } from '@mortise/api';
import type { KindRef, ResourceStore, WatchEventType } from '@mortise/store';

export type FollowHandler = (type: Exclude<WatchEventType, 'BOOKMARK'>, object: Resource) => void;

/**
 * Keeps an in-memory view of one kind in step with the store: lists it, then
 * watches from the list's version, and relists after any watch failure. This
 * is how a change written on one replica (a revocation, a new signing key)
 * reaches every replica. `ready` resolves after the first list.
 */
export class KindFollower {
  readonly ready: Promise<void>;
  private readonly abort = new AbortController();

  constructor(
    private readonly store: ResourceStore,
    private readonly kind: KindRef,
    private readonly handler: FollowHandler,
    /** Called before every (re)list, so a view can drop what may have been deleted meanwhile. */
    private readonly onRelist: () => void = () => {},
    private readonly retryDelayMs = 500,
  ) {
    let markReady!: () => void;
    let failReady!: (err: unknown) => void;
    this.ready = new Promise((resolve, reject) => {
      markReady = resolve;
      failReady = reject;
    });
    void this.run(markReady, failReady);
  }

  stop(): void {
    this.abort.abort();
  }

  private async run(markReady: () => void, failReady: (err: unknown) => void): Promise<void> {
    let first = true;
    while (!this.abort.signal.aborted) {
      try {
        const list = await this.store.list(this.kind);
        this.onRelist();
        for (const item of list.items) this.handler('ADDED', item);
        if (first) markReady();
        first = false;
        const events = this.store.watch({
          kind: this.kind,
          resourceVersion: list.metadata.resourceVersion,
          signal: this.abort.signal,
        });
        for await (const event of events) {
          if (event.type !== 'BOOKMARK') this.handler(event.type, event.object);
        }
      } catch (err) {
        if (first) {
          failReady(err);
          return;
        }
      }
      if (!this.abort.signal.aborted) await new Promise((r) => setTimeout(r, this.retryDelayMs).unref());
    }
  }
}
