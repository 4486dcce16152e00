import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Caller, Decision, GroupDispatcher, RequestInfo } from '@mortise/api';
import type { Logger } from '@mortise/observability';

/**
 * What the pipeline's stages read and record of one request, whichever
 * server layer carries it: a FastifyRequest is one (its decorations), and so
 * is a RawExchange for requests taken at the HTTP server, before Fastify.
 */
export interface PipelineRequest {
  readonly id: string;
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly ip: string;
  readonly socket?: object;
  readonly log: { warn(bindings: object, message: string): void; error(bindings: object, message: string): void };
  caller: Caller;
  requestInfo: RequestInfo;
  decision: Decision | null;
  receivedAt: number;
  dispatchedTo: string | null;
}

/**
 * A request the pipeline serves straight from Node's HTTP server: one for a
 * dispatched group or path, which Fastify would only hand over raw anyway.
 * One object per request, no closures; its log line binds the request id.
 */
export class RawExchange implements PipelineRequest {
  caller!: Caller;
  decision: Decision | null = null;
  dispatchedTo: string | null = null;
  /**
   * The peer's address, as Fastify's `request.ip` without `trustProxy`. Read
   * on arrival: once the response closes the request may have no socket
   * left, and Node caches the address per connection anyway.
   */
  readonly ip: string;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly id: string,
    public requestInfo: RequestInfo,
    /** The dispatcher that owns the path (its group's guards are still to be asked). */
    readonly owner: GroupDispatcher,
    public receivedAt: number,
    private readonly logger: Logger | undefined,
  ) {
    this.ip = req.socket.remoteAddress ?? '';
  }

  get method(): string {
    return this.req.method ?? 'GET';
  }

  get url(): string {
    return this.req.url ?? '/';
  }

  get headers(): IncomingMessage['headers'] {
    return this.req.headers;
  }

  get socket(): IncomingMessage['socket'] {
    return this.req.socket;
  }

  get log(): PipelineRequest['log'] {
    return {
      warn: (bindings, message) => this.logger?.warn({ requestId: this.id, ...bindings }, message),
      error: (bindings, message) => this.logger?.error({ requestId: this.id, ...bindings }, message),
    };
  }
}
