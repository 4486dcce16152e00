import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import { PayloadTooLargeError, type MortiseError } from '@mortise/api';
import type { Upstream } from '../upstream/upstream.js';
import { requestBody } from './body-limit.js';
import { gatewayErrors, writeStatus } from './gateway-errors.js';
import { applyHeaderDirectives, type HeaderDirective } from './header-directives.js';
import { downstreamHeaders } from './upstream-headers.js';

/** One request as the upstream will see it. */
export interface ProxyExchange {
  upstream: Upstream;
  /** Path and query for the upstream, its base path included. */
  path: string;
  headers: OutgoingHttpHeaders;
  responseDirectives?: readonly HeaderDirective[];
}

export interface UpstreamProxyOptions {
  /** Extra attempts for idempotent, body-less requests that failed before any response byte. */
  maxRetries?: number;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);
/** Errors that mean the request never reached an application: safe to retry, and a sign the upstream is down. */
const CONNECT_FAILURES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
]);

class ClientGoneError extends Error {
  constructor() {
    super('client closed the connection');
  }
}

function codeOf(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : 'unknown';
}

/**
 * Relays one upstream response to the client as it arrives: headers at
 * once, body chunks with backpressure (the upstream is paused while the
 * client is slow), so memory stays flat for any response size and SSE
 * events pass without delay.
 */
class ResponseRelay implements Dispatcher.DispatchHandler {
  headersSent = false;
  private controller: Dispatcher.DispatchController | undefined;
  private readonly resume = (): void => this.controller?.resume();

  constructor(
    private readonly res: ServerResponse,
    private readonly directives: readonly HeaderDirective[] | undefined,
    private readonly settle: (err: Error | undefined, relay: ResponseRelay, statusCode: number) => void,
  ) {}

  statusCode = 0;
  /**
   * The first body chunk, held until the parser's current pass ends: a body
   * that arrived whole leaves with its headers in one write, and a slower
   * one is not delayed past this turn of the event loop.
   */
  private held: Buffer | undefined;
  private readonly flushHeld = (): void => {
    const held = this.held;
    this.held = undefined;
    if (held !== undefined && !this.res.destroyed) this.res.write(held);
  };

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
  }

  /** Client went away: stop the upstream request too. */
  abort(): void {
    this.controller?.abort(new ClientGoneError());
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    const out = downstreamHeaders(headers);
    if (this.directives) applyHeaderDirectives(out, this.directives);
    this.statusCode = statusCode;
    this.headersSent = true;
    this.res.writeHead(statusCode, out);
    // A body of unknown length (event streams, long polls) must not wait for its first chunk to
    // show the client its headers; a sized one goes out with its first chunk, in one write.
    if (out['content-length'] === undefined) this.res.flushHeaders();
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    const held = this.held;
    this.held = undefined;
    if (held === undefined && !this.res.headersSent) {
      this.held = chunk;
      queueMicrotask(this.flushHeld);
      return;
    }
    if (held !== undefined) this.res.write(held);
    if (!this.res.write(chunk)) {
      controller.pause();
      this.res.once('drain', this.resume);
    }
  }

  onResponseEnd(): void {
    const held = this.held;
    this.held = undefined;
    if (held !== undefined) this.res.end(held);
    else this.res.end();
    this.settle(undefined, this, this.statusCode);
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    this.settle(err, this, this.statusCode);
  }
}

/**
 * The proxy hot path over an upstream's pooled connections. Failures are
 * answered as Status objects: 503 with Retry-After when the upstream is
 * disabled, unavailable, unreachable or its breaker is open; 504 when it is
 * too slow; 413 when the body is too large. Retries only idempotent requests
 * without a body, only before any response byte, at most `maxRetries` times.
 */
export class UpstreamProxy {
  private readonly maxRetries: number;

  constructor(options: UpstreamProxyOptions = {}) {
    this.maxRetries = options.maxRetries ?? 2;
  }

  /** Resolves when the exchange is over (answered, failed or abandoned by the client); never rejects. */
  forward(req: IncomingMessage, res: ServerResponse, exchange: ProxyExchange): Promise<void> {
    const { upstream } = exchange;
    const availability = upstream.state;
    if (availability.state === 'Disabled') return answer(res, gatewayErrors.disabled(upstream.owner));
    if (availability.state === 'Unavailable') {
      return answer(res, gatewayErrors.unavailable(upstream.owner, availability.message, 5));
    }
    const body = requestBody(req, upstream.target.maxRequestBodyBytes);
    if (body.kind === 'too-large') return answer(res, gatewayErrors.bodyTooLarge(body.limit), true);
    if (!upstream.breaker.tryAcquire()) {
      return answer(res, gatewayErrors.circuitOpen(upstream.owner, upstream.breaker.retryAfterSeconds()));
    }
    const method = req.method ?? 'GET';
    const retries = body.kind === 'none' && IDEMPOTENT.has(method) ? this.maxRetries : 0;

    return new Promise<void>((resolve) => {
      let attempt = 0;
      let current: ResponseRelay | undefined;
      const onClientClose = (): void => {
        if (!res.writableFinished) current?.abort();
      };
      res.once('close', onClientClose);

      const settle = (err: Error | undefined, relay: ResponseRelay, statusCode: number): void => {
        if (err === undefined) {
          if (statusCode >= 502 && statusCode <= 504) upstream.breaker.recordFailure();
          else upstream.breaker.recordSuccess();
          return finish();
        }
        if (err instanceof ClientGoneError) {
          upstream.breaker.recordSuccess();
          return finish();
        }
        if (err instanceof PayloadTooLargeError) {
          upstream.breaker.recordSuccess();
          writeStatus(res, err, true);
          return finish();
        }
        const code = codeOf(err);
        const connectFailure = CONNECT_FAILURES.has(code);
        if (!relay.headersSent && connectFailure && attempt < retries) {
          attempt += 1;
          return send();
        }
        upstream.breaker.recordFailure();
        if (relay.headersSent) res.destroy(err);
        else if (code === 'UND_ERR_HEADERS_TIMEOUT') {
          writeStatus(res, gatewayErrors.responseTimeout(upstream.owner, upstream.target.responseTimeoutMs));
        } else writeStatus(res, gatewayErrors.unreachable(upstream.owner, code));
        finish();
      };
      const finish = (): void => {
        res.off('close', onClientClose);
        resolve();
      };
      const send = (): void => {
        current = new ResponseRelay(res, exchange.responseDirectives, settle);
        upstream.pool.dispatch(
          {
            path: exchange.path,
            method,
            headers: exchange.headers as Record<string, string | string[]>,
            body: body.kind === 'stream' ? body.stream : null,
          },
          current,
        );
      };
      send();
    });
  }
}

function answer(res: ServerResponse, err: MortiseError, closeConnection = false): Promise<void> {
  writeStatus(res, err, closeConnection);
  return Promise.resolve();
}
