import type { Controller, LeaderElection } from './controller.js';

export type ControllerState = 'idle' | 'starting' | 'running' | 'stopping' | 'failed';

export interface ControllerReport {
  name: string;
  state: ControllerState;
  /** Why the last start failed; short and safe to show. */
  message?: string;
}

export interface ControllerHostReport {
  identity: string;
  leading: boolean;
  /** The holder as last observed; undefined while nobody holds the lead. */
  leader: string | undefined;
  controllers: ControllerReport[];
}

export interface ControllerHostOptions {
  /** A controller whose start failed is tried again after this long, while this replica still leads. */
  retryDelayMs?: number;
  /** Told of every start or stop that failed and of each leadership change; must not throw. */
  onEvent?: (event: { type: 'leading' | 'following' | 'failed'; controller?: string; error?: unknown }) => void;
}

interface Entry {
  controller: Controller;
  state: ControllerState;
  message?: string;
  retry?: NodeJS.Timeout;
}

/**
 * Runs the registered controllers on the leader only: starts them all when
 * the election makes this replica the leader, stops them all when it loses
 * the lead or the kernel shuts down. Transitions are serialized, so a stop
 * always sees the starts before it finished.
 */
export class ControllerHost {
  private readonly entries = new Map<string, Entry>();
  private leading = false;
  private closed = false;
  /** Every transition chains here, so starts and stops never interleave. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly election: LeaderElection,
    private readonly options: ControllerHostOptions = {},
  ) {}

  /** Adds a controller; it starts at once when this replica leads already. */
  register(controller: Controller): void {
    if (this.entries.has(controller.name)) throw new Error(`controller "${controller.name}" is already registered`);
    const entry: Entry = { controller, state: 'idle' };
    this.entries.set(controller.name, entry);
    if (this.leading) this.enqueue(() => this.startOne(entry));
  }

  /** Begins campaigning; resolves once the election runs (not once this replica leads). */
  start(): Promise<void> {
    return this.election.start((leading) => {
      if (this.closed || leading === this.leading) return;
      this.leading = leading;
      this.options.onEvent?.({ type: leading ? 'leading' : 'following' });
      this.enqueue(() => (leading ? this.startAll() : this.stopAll()));
    });
  }

  /** Stops the controllers, then gives the lead up so another replica takes over without waiting for the lease to expire. */
  async stop(): Promise<void> {
    this.closed = true;
    this.leading = false;
    this.enqueue(() => this.stopAll());
    await this.queue;
    await this.election.stop();
  }

  /** Resolves when every transition asked for so far has finished. */
  settled(): Promise<void> {
    return this.queue;
  }

  isLeader(): boolean {
    return this.leading;
  }

  report(): ControllerHostReport {
    return {
      identity: this.election.identity,
      leading: this.leading,
      leader: this.election.leader(),
      controllers: [...this.entries.values()].map((e) => ({
        name: e.controller.name,
        state: e.state,
        ...(e.message !== undefined ? { message: e.message } : {}),
      })),
    };
  }

  /** For readiness: throws naming the controllers that failed to start on this leader. */
  assertHealthy(): void {
    const failed = [...this.entries.values()].filter((e) => e.state === 'failed');
    if (failed.length > 0) {
      throw new Error(
        `controllers failed to start: ${failed.map((e) => `${e.controller.name} (${e.message})`).join(', ')}`,
      );
    }
  }

  private enqueue(step: () => Promise<void>): void {
    this.queue = this.queue.then(step, step);
  }

  private async startAll(): Promise<void> {
    for (const entry of this.entries.values()) await this.startOne(entry);
  }

  private async stopAll(): Promise<void> {
    // Reverse order: later controllers may build on earlier ones.
    for (const entry of [...this.entries.values()].reverse()) {
      if (entry.retry) clearTimeout(entry.retry);
      entry.retry = undefined;
      if (entry.state !== 'running') {
        entry.state = 'idle';
        continue;
      }
      entry.state = 'stopping';
      try {
        await entry.controller.stop();
      } catch (error) {
        this.options.onEvent?.({ type: 'failed', controller: entry.controller.name, error });
      }
      entry.state = 'idle';
      delete entry.message;
    }
  }

  private async startOne(entry: Entry): Promise<void> {
    if (!this.leading || entry.state === 'running') return;
    entry.state = 'starting';
    try {
      await entry.controller.start();
      entry.state = 'running';
      delete entry.message;
    } catch (error) {
      entry.state = 'failed';
      entry.message = error instanceof Error ? error.message : String(error);
      this.options.onEvent?.({ type: 'failed', controller: entry.controller.name, error });
      entry.retry = setTimeout(() => {
        entry.retry = undefined;
        this.enqueue(() => this.startOne(entry));
      }, this.options.retryDelayMs ?? 5_000);
      entry.retry.unref();
    }
  }
}
