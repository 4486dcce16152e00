/** What `RequestDeadlines` keeps on each request: its deadline and its place in the list. */
export interface DeadlineEntry {
  deadline: number;
  previous: DeadlineEntry | undefined;
  following: DeadlineEntry | undefined;
  queued: boolean;
}

/**
 * Deadlines of in-flight requests, checked by one sweep timer instead of a
 * timer per request (arming and clearing a timer per request shows on the
 * hot path). Every request gets the same timeout, so arrival order is
 * deadline order: the entries form a list threaded through the requests
 * themselves, adding and removing one allocates and hashes nothing, and a
 * sweep looks only at the expired ones. A request times out between
 * `timeoutMs` and `timeoutMs` plus a quarter of it.
 */
export class RequestDeadlines<T extends DeadlineEntry> {
  private first: DeadlineEntry | undefined;
  private last: DeadlineEntry | undefined;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    private readonly timeoutMs: number,
    private readonly onExpired: (item: T) => void,
  ) {}

  /** `now` is `performance.now()` when the request started. */
  add(item: T, now: number): void {
    item.deadline = now + this.timeoutMs;
    item.previous = this.last;
    item.following = undefined;
    item.queued = true;
    if (this.last) this.last.following = item;
    else this.first = item;
    this.last = item;
    if (!this.sweeper) {
      this.sweeper = setInterval(() => this.sweep(), Math.max(10, Math.min(1000, this.timeoutMs / 4)));
    }
  }

  delete(item: T): void {
    if (!item.queued) return;
    item.queued = false;
    if (item.previous) item.previous.following = item.following;
    else this.first = item.following;
    if (item.following) item.following.previous = item.previous;
    else this.last = item.previous;
    item.previous = item.following = undefined;
  }

  get size(): number {
    let n = 0;
    for (let entry = this.first; entry; entry = entry.following) n++;
    return n;
  }

  private sweep(): void {
    const now = performance.now();
    while (this.first && this.first.deadline <= now) {
      const expired = this.first as T;
      this.delete(expired);
      this.onExpired(expired);
    }
    if (!this.first) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }
}
