import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ExtensionApplication } from './extension-application.js';

/**
 * One booted version of an extension and the requests it is serving, so an
 * upgrade or disable can wait for them before closing it.
 */
export class ExtensionInstance {
  private inFlight = 0;
  private idle: (() => void) | undefined;

  constructor(
    readonly version: string,
    readonly directory: string,
    private readonly application: ExtensionApplication,
  ) {}

  get requestsInFlight(): number {
    return this.inFlight;
  }

  /** Serves one request; the caller reports `finished()` once its response is finished or its connection closed. */
  serve(request: IncomingMessage, response: ServerResponse): void {
    this.inFlight++;
    this.application.serve(request, response);
  }

  /** One request `serve` was given is over. */
  finished(): void {
    if (--this.inFlight === 0) this.idle?.();
  }

  /** Resolves when no request is in flight, or after `timeoutMs` (then returns false). */
  async drain(timeoutMs: number): Promise<boolean> {
    if (this.inFlight === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      new Promise<true>((resolve) => (this.idle = () => resolve(true))),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
    ]);
    clearTimeout(timer);
    this.idle = undefined;
    return drained;
  }

  async close(): Promise<void> {
    await this.application.close();
  }
}
