import type { IamConfig } from './iam-config.js';

/** How many submitted usernames are tracked at once; the oldest are forgotten first. */
const MAX_TRACKED = 10_000;

/**
 * Counts failed logins per submitted username, whether or not the user
 * exists, so a lock says nothing about existence. In memory per replica:
 * the lock of an existing user is also written to its status so every
 * replica and the admin see it.
 */
export class AccountLockout {
  private readonly failures = new Map<string, number[]>();
  private readonly locks = new Map<string, number>();

  constructor(private readonly policy: IamConfig['lockout']) {}

  /** When the lock on this username ends, if it is locked at `now`. */
  lockedUntil(username: string, now: number): number | undefined {
    const key = username.toLowerCase();
    const until = this.locks.get(key);
    if (until === undefined) return undefined;
    if (until > now) return until;
    this.locks.delete(key);
    return undefined;
  }

  /** Records a failure; returns when the lock ends if this failure locks the account. */
  recordFailure(username: string, now: number): number | undefined {
    const key = username.toLowerCase();
    const windowStart = now - this.policy.windowSeconds * 1000;
    const recent = (this.failures.get(key) ?? []).filter((t) => t > windowStart);
    recent.push(now);
    this.failures.delete(key);
    this.failures.set(key, recent);
    if (this.failures.size > MAX_TRACKED) this.failures.delete(this.failures.keys().next().value!);
    if (recent.length < this.policy.maxFailures) return undefined;
    const until = now + this.policy.lockSeconds * 1000;
    this.locks.set(key, until);
    if (this.locks.size > MAX_TRACKED) this.locks.delete(this.locks.keys().next().value!);
    this.failures.delete(key);
    return until;
  }

  reset(username: string): void {
    const key = username.toLowerCase();
    this.failures.delete(key);
    this.locks.delete(key);
  }
}
