/**
 * Deadlines of in-flight requests, checked by one sweep timer instead of a
 * timer per request (arming and clearing a timer per request shows on the
 * hot path). A request times out between `timeoutMs` and `timeoutMs` plus a
 * quarter of it.
 */
export class RequestDeadlines<T> {
  private readonly pending = new Map<T, number>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    private readonly timeoutMs: number,
    private readonly onExpired: (item: T) => void,
  ) {}

  add(item: T): void {
    this.pending.set(item, performance.now() + this.timeoutMs);
    if (!this.sweeper) {
      this.sweeper = setInterval(() => this.sweep(), Math.max(10, Math.min(1000, this.timeoutMs / 4)));
    }
  }

  delete(item: T): void {
    this.pending.delete(item);
  }

  private sweep(): void {
    const now = performance.now();
    for (const [item, deadline] of this.pending) {
      if (deadline <= now) {
        this.pending.delete(item);
        this.onExpired(item);
      }
    }
    if (this.pending.size === 0) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }
}
