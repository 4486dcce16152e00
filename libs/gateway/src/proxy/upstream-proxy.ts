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
  /**
   * Headers the kernel set before the proxy took over (the request id),
   * added to whatever the client gets unless the upstream sent the same one.
   */
  responseHeaders?: OutgoingHttpHeaders | undefined;
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
  statusCode = 0;
  private controller: Dispatcher.DispatchController | undefined;
  /** Body bytes still to come when the upstream sent a Content-Length, else -1. */
  private remaining = -1;
  /** The last chunk of a sized body, kept for `end()` so headers and body leave in one write. */
  private last: Buffer | undefined;

  constructor(
    private readonly res: ServerResponse,
    private readonly exchange: ProxyExchange,
    private readonly settle: (err: Error | undefined, relay: ResponseRelay, statusCode: number) => void,
  ) {}

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
    const early = this.exchange.responseHeaders;
    if (early) for (const name in early) out[name] ??= early[name];
    if (this.exchange.responseDirectives) applyHeaderDirectives(out, this.exchange.responseDirectives);
    this.statusCode = statusCode;
    this.headersSent = true;
    this.res.writeHead(statusCode, out);
    const length = out['content-length'];
    // A body of unknown length (event streams, long polls) must not wait for its first chunk to
    // show the client its headers; a sized one goes out with its body.
    if (length === undefined) this.res.flushHeaders();
    else this.remaining = Number(length);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.remaining >= 0) {
      this.remaining -= chunk.length;
      // The parser reports the end in the same pass as the body's last bytes: `end()` sends it.
      if (this.remaining === 0) {
        this.last = chunk;
        return;
      }
    }
    if (!this.res.write(chunk)) {
      controller.pause();
      this.res.once('drain', () => this.controller?.resume());
    }
  }

  onResponseEnd(): void {
    const last = this.last;
    this.last = undefined;
    if (last !== undefined) this.res.end(last);
    else this.res.end();
    this.settle(undefined, this, this.statusCode);
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    this.last = undefined;
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
    const early = exchange.responseHeaders;
    if (availability.state === 'Disabled') return answer(res, early, gatewayErrors.disabled(upstream.owner));
    if (availability.state === 'Unavailable') {
      return answer(res, early, gatewayErrors.unavailable(upstream.owner, availability.message, 5));
    }
    const body = requestBody(req, upstream.target.maxRequestBodyBytes);
    if (body.kind === 'too-large') return answer(res, early, gatewayErrors.bodyTooLarge(body.limit), true);
    if (!upstream.breaker.tryAcquire()) {
      return answer(res, early, gatewayErrors.circuitOpen(upstream.owner, upstream.breaker.retryAfterSeconds()));
    }
    const method = req.method ?? 'GET';
    const retries = body.kind === 'none' && IDEMPOTENT.has(method) ? this.maxRetries : 0;

    return new Promise<void>((resolve) => {
      let attempt = 0;
      let current: ResponseRelay | undefined;
      // Left attached: after the exchange it finds the response finished and does nothing.
      res.on('close', () => {
        if (!res.writableFinished) current?.abort();
      });

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
          withEarlyHeaders(res, early);
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
        else {
          withEarlyHeaders(res, early);
          if (code === 'UND_ERR_HEADERS_TIMEOUT') {
            writeStatus(res, gatewayErrors.responseTimeout(upstream.owner, upstream.target.responseTimeoutMs));
          } else writeStatus(res, gatewayErrors.unreachable(upstream.owner, code));
        }
        finish();
      };
      const finish = resolve;
      const send = (): void => {
        current = new ResponseRelay(res, exchange, settle);
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

function withEarlyHeaders(res: ServerResponse, early: OutgoingHttpHeaders | undefined): void {
  if (early && !res.headersSent) for (const name in early) res.setHeader(name, early[name]!);
}

function answer(
  res: ServerResponse,
  early: OutgoingHttpHeaders | undefined,
  err: MortiseError,
  closeConnection = false,
): Promise<void> {
  withEarlyHeaders(res, early);
  writeStatus(res, err, closeConnection);
  return Promise.resolve();
}
