/**
 * Background work that must run on exactly one replica at a time (install
 * plans, repository sync, role aggregation, key rotation). The kernel's
 * controller host starts it when this replica becomes the leader and stops
 * it when the replica loses the lease or shuts down; `start` may be called
 * again after `stop`. Work every replica does for itself (following the
 * store's watch into its caches) is not a controller.
 */
export interface Controller {
  /** Unique among the kernel's controllers; shown by `/readyz?verbose` and in logs. */
  readonly name: string;
  /** Begins the work and resolves once it runs; a rejection is reported and retried at the next leadership. */
  start(): Promise<void>;
  /** Ends the work; resolves when nothing of it runs any more. */
  stop(): Promise<void>;
}

/**
 * Who leads among the kernel's replicas. `start` begins campaigning and
 * calls `onChange(true)` when this replica takes the lead and
 * `onChange(false)` when it loses it; `stop` gives the lead up.
 */
export interface LeaderElection {
  /** This replica's name in the election (the Lease's `holderIdentity`). */
  readonly identity: string;
  isLeader(): boolean;
  /** The current holder as last observed, if any. */
  leader(): string | undefined;
  start(onChange: (leading: boolean) => void): Promise<void>;
  /**
   * Stops campaigning and releases the lead if held, so another replica
   * takes over at once; `release: false` leaves the lease to expire, as a
   * crashed replica would.
   */
  stop(options?: { release?: boolean }): Promise<void>;
}

/** The election of a backend that allows only one kernel (sqlite, memory): that kernel always leads. */
export class SoleLeader implements LeaderElection {
  /** Leads from the start: nobody else could. */
  private leading = true;

  constructor(readonly identity: string) {}

  isLeader(): boolean {
    return this.leading;
  }

  leader(): string | undefined {
    return this.leading ? this.identity : undefined;
  }

  start(onChange: (leading: boolean) => void): Promise<void> {
    this.leading = true;
    onChange(true);
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.leading = false;
    return Promise.resolve();
  }
}
