import type { Dispatcher, Pool } from 'undici';

type Undici = typeof import('undici');

let loading: Promise<Undici> | undefined;
let undici: Undici | undefined;

/** undici (~4 MB of heap once evaluated) is loaded when the first upstream is configured, not by every kernel. */
function loadUndici(): Promise<Undici> {
  loading ??= import('undici').then((module) => (undici = module));
  return loading;
}

/** The part of undici's Pool the gateway uses. */
export interface UpstreamPool {
  dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean;
  request(options: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData>;
  close(): Promise<void>;
}

/**
 * A keep-alive pool to one origin whose undici Pool is made once undici has
 * loaded (it starts loading here). Once made, calls go straight to it; a
 * request that comes before (the first one of the process, if at all) waits
 * for the load.
 */
export class LazyPool implements UpstreamPool {
  private pool: Pool | undefined;
  private closed = false;

  constructor(
    private readonly origin: string,
    private readonly options: Pool.Options,
  ) {
    void loadUndici().catch(() => undefined);
  }

  dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const pool = this.current();
    if (pool) return pool.dispatch(options, handler);
    void loadUndici().then(
      () => this.current()!.dispatch(options, handler),
      (err: unknown) => handler.onResponseError?.(undefined as never, err as Error),
    );
    return true;
  }

  async request(options: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData> {
    await loadUndici();
    return this.current()!.request(options);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.pool?.close();
  }

  private current(): Pool | undefined {
    if (this.pool || !undici) return this.pool;
    this.pool = new undici.Pool(this.origin, this.options);
    // Used after close (a retired upstream): the closed pool fails the request as before.
    if (this.closed) void this.pool.close();
    return this.pool;
  }
}
