import { CircuitBreaker, type CircuitBreakerOptions } from './circuit-breaker.js';
import type { UpstreamTarget } from './upstream-target.js';
import { LazyPool, type UpstreamPool } from './upstream-pool.js';

export type UpstreamState = 'Available' | 'Unavailable' | 'Disabled';

export interface UpstreamAvailability {
  state: UpstreamState;
  /** CamelCase reason for the `Available` condition. */
  reason: string;
  message: string;
}

export interface UpstreamOptions {
  breaker?: CircuitBreakerOptions;
  /** Most connections kept to this upstream. */
  connections?: number;
}

/**
 * One upstream of one gateway object: a keep-alive connection pool, its
 * circuit breaker and what the last health probe said. The pool is created
 * once and reused by every request; closing it lets requests in flight end.
 */
export class Upstream {
  readonly pool: UpstreamPool;
  readonly breaker: CircuitBreaker;
  private availability: UpstreamAvailability = {
    state: 'Available',
    reason: 'Configured',
    message: 'not probed yet',
  };
  private disabled = false;

  constructor(
    /** `<kind>/<name>` of the object it serves, for messages and metrics. */
    readonly owner: string,
    readonly target: UpstreamTarget,
    options: UpstreamOptions = {},
  ) {
    this.breaker = new CircuitBreaker(options.breaker);
    this.pool = new LazyPool(target.origin, {
      connections: options.connections ?? 128,
      pipelining: 1,
      connect: {
        timeout: target.connectTimeoutMs,
        rejectUnauthorized: target.tls.rejectUnauthorized,
        ...(target.tls.ca ? { ca: target.tls.ca } : {}),
      },
      headersTimeout: target.responseTimeoutMs,
      bodyTimeout: target.idleTimeoutMs,
      ...(target.idleTimeoutMs > 0 ? { keepAliveMaxTimeout: target.idleTimeoutMs } : {}),
    });
  }

  get state(): UpstreamAvailability {
    if (this.disabled) return { state: 'Disabled', reason: 'Disabled', message: 'the extension is disabled' };
    return this.availability;
  }

  setDisabled(disabled: boolean): void {
    this.disabled = disabled;
  }

  /** Records what a probe or live traffic found; returns true when the state changed. */
  setAvailability(next: UpstreamAvailability): boolean {
    const before = this.availability;
    this.availability = next;
    return before.state !== next.state || before.reason !== next.reason;
  }

  /** Ends idle connections now and the busy ones once their requests finish. */
  async close(): Promise<void> {
    await this.pool.close().catch(() => undefined);
  }
}
