import type { Controller } from './controller.js';

/**
 * A controller that runs one task now and then every `everyMs` while it
 * leads (key rotation, garbage collection, a repository's sync). Runs never
 * overlap; `stop` waits for a run in progress.
 */
export class PeriodicController implements Controller {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private active = false;

  constructor(
    readonly name: string,
    private readonly everyMs: number,
    private readonly task: () => Promise<unknown>,
    /** Told of a failed run; the next run is tried on schedule. Must not throw. */
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  start(): Promise<void> {
    this.active = true;
    this.tick();
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    this.active = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private tick(): void {
    this.running = this.task()
      .then(
        () => undefined,
        (err: unknown) => this.onError(err),
      )
      .finally(() => {
        if (this.active) this.timer = setTimeout(() => this.tick(), this.everyMs).unref();
      });
  }
}
