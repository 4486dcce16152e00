export type BreakerState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the breaker. */
  failureThreshold?: number;
  /** How long it stays open before one probe request is let through. */
  openMs?: number;
  now?: () => number;
}

/**
 * One breaker per upstream. Closed: everything passes. After
 * `failureThreshold` consecutive failures it opens and refuses at once, so a
 * dead upstream costs callers nothing but a 503. After `openMs` it turns
 * half-open and lets exactly one request through: success closes it, failure
 * opens it again for another `openMs`.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private probing = false;
  private current: BreakerState = 'closed';
  private readonly threshold: number;
  private readonly openMs: number;
  private readonly now: () => number;

  constructor(options: CircuitBreakerOptions = {}) {
    this.threshold = options.failureThreshold ?? 5;
    this.openMs = options.openMs ?? 5_000;
    this.now = options.now ?? Date.now;
  }

  get state(): BreakerState {
    if (this.current === 'open' && this.now() - this.openedAt >= this.openMs) this.current = 'half-open';
    return this.current;
  }

  /** Whether a request may go out now; in half-open, true once until its outcome is recorded. */
  tryAcquire(): boolean {
    const state = this.state;
    switch (state) {
      case 'closed':
        return true;
      case 'open':
        return false;
      case 'half-open':
        if (this.probing) return false;
        this.probing = true;
        return true;
      default: {
        const unreachable: never = state;
        return unreachable;
      }
    }
  }

  /** Seconds until a probe may pass; what Retry-After tells clients. */
  retryAfterSeconds(): number {
    if (this.current !== 'open') return 1;
    return Math.max(1, Math.ceil((this.openMs - (this.now() - this.openedAt)) / 1000));
  }

  recordSuccess(): void {
    this.failures = 0;
    this.probing = false;
    this.current = 'closed';
  }

  recordFailure(): void {
    this.probing = false;
    this.failures += 1;
    if (this.current === 'half-open' || this.failures >= this.threshold) {
      this.current = 'open';
      this.openedAt = this.now();
    }
  }
}
