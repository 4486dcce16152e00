import { createHash } from 'node:crypto';
import { AlreadyExistsError, ConflictError, type Resource } from '@mortise/api';
import { deleteIfExists, getIfExists, type ResourceStore } from '@mortise/store';
import type { IamConfig } from './iam-config.js';
import { IAM_API_VERSION, LOGIN_FAILURES_KIND, type LoginFailures } from './iam-kinds.js';
import { KindFollower } from './kind-follower.js';

const WRITE_ATTEMPTS = 5;

interface Entry {
  lockedUntil: number | undefined;
}

/** The stored name for a submitted username: a digest, so the store does not list who was tried. */
function objectName(username: string): string {
  return `lf-${createHash('sha256').update(username.toLowerCase()).digest('hex').slice(0, 40)}`;
}

/**
 * Counts failed logins per submitted username, whether or not the user
 * exists, so a lock says nothing about existence. The counts live in the
 * store (`LoginFailures`, internal) and every replica follows them by
 * watch, so failures on all replicas add up to one limit, and a lock or an
 * admin's unlock applies on every replica. Checking a lock is a map lookup;
 * only a failure or a reset writes.
 */
export class AccountLockout {
  private readonly entries = new Map<string, Entry>();
  private follower: KindFollower | undefined;

  constructor(
    private readonly store: ResourceStore,
    private readonly policy: IamConfig['lockout'],
  ) {}

  async start(): Promise<void> {
    this.follower = new KindFollower(
      this.store,
      LOGIN_FAILURES_KIND,
      (type, object) => (type === 'DELETED' ? this.entries.delete(object.metadata.name) : this.note(object)),
      () => this.entries.clear(),
    );
    await this.follower.ready;
  }

  stop(): void {
    this.follower?.stop();
  }

  /** When the lock on this username ends, if it is locked at `now`. */
  lockedUntil(username: string, now: number): number | undefined {
    const until = this.entries.get(objectName(username))?.lockedUntil;
    return until !== undefined && until > now ? until : undefined;
  }

  /** Records a failure (on every replica); returns when the lock ends if this failure locks the account. */
  async recordFailure(username: string, now: number): Promise<number | undefined> {
    const name = objectName(username);
    const windowStart = now - this.policy.windowSeconds * 1000;
    for (let attempt = 1; ; attempt++) {
      const current = await getIfExists<LoginFailures>(this.store, { ...LOGIN_FAILURES_KIND, name });
      const recent = (current?.spec.failures ?? []).map(Date.parse).filter((t) => t > windowStart);
      recent.push(now);
      const locks = recent.length >= this.policy.maxFailures;
      const until = locks ? now + this.policy.lockSeconds * 1000 : undefined;
      const spec: LoginFailures['spec'] = {
        // A lock starts the count afresh; until then only the window's failures count.
        failures: locks ? [] : recent.map((t) => new Date(t).toISOString()),
        ...(until !== undefined
          ? { lockedUntil: new Date(until).toISOString() }
          : current?.spec.lockedUntil !== undefined
            ? { lockedUntil: current.spec.lockedUntil }
            : {}),
      };
      try {
        const written = current
          ? await this.store.update({ ...current, spec })
          : await this.store.create({
              apiVersion: IAM_API_VERSION,
              kind: LOGIN_FAILURES_KIND.kind,
              metadata: { name },
              spec,
            });
        this.note(written);
        return until;
      } catch (err) {
        // Another replica counted a failure meanwhile: count again on top of it.
        if (!(err instanceof ConflictError || err instanceof AlreadyExistsError) || attempt >= WRITE_ATTEMPTS)
          throw err;
      }
    }
  }

  /** After a successful login: forgets the failures this replica knows of (no write when there are none). */
  async forgetFailures(username: string): Promise<void> {
    if (this.entries.has(objectName(username))) await this.reset(username);
  }

  /** Forgets failures and ends a lock, on every replica (an unlock, a deleted user). */
  async reset(username: string): Promise<void> {
    const name = objectName(username);
    this.entries.delete(name);
    await deleteIfExists(this.store, { ...LOGIN_FAILURES_KIND, name });
  }

  /** Removes counts whose window and lock are over (the leader's, with session collection). */
  async collectGarbage(now: number): Promise<number> {
    const windowStart = now - this.policy.windowSeconds * 1000;
    const { items } = await this.store.list(LOGIN_FAILURES_KIND);
    let removed = 0;
    for (const item of items as LoginFailures[]) {
      const newest = Math.max(0, ...item.spec.failures.map(Date.parse));
      const lock = item.spec.lockedUntil ? Date.parse(item.spec.lockedUntil) : 0;
      if (newest > windowStart || lock > now) continue;
      await this.store
        .delete(
          { ...LOGIN_FAILURES_KIND, name: item.metadata.name },
          { resourceVersion: item.metadata.resourceVersion },
        )
        .then(() => removed++)
        .catch(() => undefined);
    }
    return removed;
  }

  private note(object: Resource): void {
    const { spec } = object as LoginFailures;
    this.entries.set(object.metadata.name, {
      lockedUntil: spec.lockedUntil ? Date.parse(spec.lockedUntil) : undefined,
    });
  }
}
