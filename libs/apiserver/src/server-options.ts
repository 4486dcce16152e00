import { LogController, type FastifyBaseLogger, type FastifyServerOptions } from 'fastify';
import { deferredChildLoggerFactory, type Logger } from '@mortise/observability';
import { requestIdFrom, REQUEST_ID_HEADER } from './request-id.js';

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

export interface ServerOptions {
  logger: Logger;
  bodyLimit?: number;
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
  };
}
