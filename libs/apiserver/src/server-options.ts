import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { LogController, type FastifyBaseLogger, type FastifyServerOptions } from 'fastify';
import { deferredChildLoggerFactory, type Logger } from '@mortise/observability';
import { requestIdFrom, REQUEST_ID_HEADER } from './request-id.js';

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

export interface ServerOptions {
  logger: Logger;
  bodyLimit?: number;
  /**
   * Sees every request before Fastify and either serves it or passes it on
   * (the pipeline's `serveRaw`: dispatched requests never need Fastify).
   */
  front?: (
    req: IncomingMessage,
    res: ServerResponse,
    next: (req: IncomingMessage, res: ServerResponse) => void,
  ) => void;
}

/** What Fastify's own HTTP/1 server takes from its options, so a front handler changes nothing else. */
interface HttpServerSettings {
  http?: object | null;
  keepAliveTimeout?: number;
  requestTimeout?: number;
  connectionTimeout?: number;
  maxRequestsPerSocket?: number;
}

/**
 * Options for the root Fastify instance: the request id (accepted from
 * `X-Request-Id` or generated) becomes `request.id` and the `requestId` of
 * every request log line; the body limit applies to every route. Fastify's
 * own two lines per request are off: the pipeline writes one audit/access line.
 * A request's child logger is made only when the request logs something.
 */
export function fastifyServerOptions(
  options: ServerOptions,
): FastifyServerOptions & { loggerInstance: FastifyBaseLogger } {
  return {
    loggerInstance: options.logger,
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    genReqId: (req) => requestIdFrom(req.headers[REQUEST_ID_HEADER]),
    childLoggerFactory: (logger, bindings, childOptions) =>
      deferredChildLoggerFactory(logger as Logger, bindings, childOptions),
    logController: new LogController({ requestIdLogLabel: 'requestId', disableRequestLogging: true }),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    ...(options.front ? { serverFactory: frontedServerFactory(options.front) } : {}),
  };
}

/** Fastify's HTTP/1 server, set up as Fastify sets up its own, with `front` first on every request. */
function frontedServerFactory(front: NonNullable<ServerOptions['front']>) {
  return (
    fastifyHandler: (req: IncomingMessage, res: ServerResponse) => void,
    settings: HttpServerSettings,
  ): Server => {
    const server = createServer(settings.http ?? {}, (req, res) => front(req, res, fastifyHandler));
    if (settings.keepAliveTimeout !== undefined) server.keepAliveTimeout = settings.keepAliveTimeout;
    if (settings.requestTimeout !== undefined) server.requestTimeout = settings.requestTimeout;
    if (settings.connectionTimeout !== undefined) server.setTimeout(settings.connectionTimeout);
    if (settings.maxRequestsPerSocket !== undefined && settings.maxRequestsPerSocket > 0) {
      server.maxRequestsPerSocket = settings.maxRequestsPerSocket;
    }
    return server;
  };
}
