import {
  BadRequestError,
  ForbiddenError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  ServiceUnavailableError,
  TimeoutError,
  TooManyRequestsError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  isMortiseError,
  toStatus,
  type MortiseError,
  type Status,
} from '@mortise/api';
import type { ServerResponse } from 'node:http';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '@mortise/observability';
import { REQUEST_ID_HEADER } from './request-id.js';

type ErrorFactory = (message: string) => MortiseError;

/** Fastify's own error codes that clients cause, and what they mean to a client. */
const FRAMEWORK_CODES: Record<string, ErrorFactory> = {
  FST_ERR_CTP_BODY_TOO_LARGE: () => new PayloadTooLargeError('request body is larger than the configured limit'),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: (message) => new UnsupportedMediaTypeError(`${message}; send application/json`),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => new BadRequestError('request body is empty; send a JSON object'),
  FST_ERR_CTP_INVALID_JSON_BODY: (message) => new BadRequestError(`request body is not valid JSON: ${message}`),
};

/** Other framework errors (and Nest's HttpException) by HTTP status. */
const BY_STATUS: Record<number, ErrorFactory> = {
  400: (m) => new BadRequestError(m),
  401: (m) => new UnauthorizedError(m),
  403: (m) => new ForbiddenError(m),
  404: (m) => new NotFoundError(m),
  405: (m) => new MethodNotAllowedError(m),
  413: (m) => new PayloadTooLargeError(m),
  415: (m) => new UnsupportedMediaTypeError(m),
  429: (m) => new TooManyRequestsError(m),
  503: (m) => new ServiceUnavailableError(m),
  504: (m) => new TimeoutError(m),
};

function fromFrameworkError(err: Partial<FastifyError> & Error): MortiseError | undefined {
  const byCode = err.code !== undefined ? FRAMEWORK_CODES[err.code] : undefined;
  if (byCode) return byCode(err.message);
  if (err instanceof SyntaxError && err.statusCode === 400) {
    return new BadRequestError(`request body is not valid JSON: ${err.message}`);
  }
  // Nest's HttpException carries its status behind a method.
  const withStatus = err as { getStatus?: () => number };
  const statusCode =
    err.statusCode ?? (typeof withStatus.getStatus === 'function' ? withStatus.getStatus() : undefined);
  const byStatus = statusCode !== undefined ? BY_STATUS[statusCode] : undefined;
  return byStatus?.(err.message);
}

/** Any thrown value as a Kubernetes Status; unknown errors become a generic 500. */
export function statusOf(err: unknown): Status {
  if (isMortiseError(err)) return toStatus(err);
  if (err instanceof Error) {
    const known = fromFrameworkError(err);
    if (known) return toStatus(known);
  }
  return toStatus(err);
}

/** Headers a Status answer carries besides its body: how to log in (401), when to come back (429, 503). */
function statusHeaders(status: Status): Record<string, string> | undefined {
  if (status.code === 401) return { 'www-authenticate': 'Bearer realm="mortise"' };
  if ((status.code === 429 || status.code === 503) && status.details?.retryAfterSeconds !== undefined) {
    return { 'retry-after': String(status.details.retryAfterSeconds) };
  }
  return undefined;
}

/**
 * The one place an error becomes a response, used by the Fastify error
 * handler and the Nest exception filter alike. Internal errors are logged in
 * full with the request id and answered with a generic message.
 */
export function sendErrorStatus(request: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply {
  const status = statusOf(err);
  if (status.code >= 500) request.log.error({ err }, 'request failed');
  const headers = statusHeaders(status);
  if (headers) void reply.headers(headers);
  return reply.code(status.code).type('application/json').send(status);
}

/** `sendErrorStatus` for a response outside the framework (a request the pipeline took at the HTTP server). */
export function writeErrorStatus(res: ServerResponse, requestId: string, err: unknown, logger?: Logger): void {
  const status = statusOf(err);
  if (status.code >= 500) logger?.error({ err, requestId }, 'request failed');
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify(status);
  res.writeHead(status.code, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    [REQUEST_ID_HEADER]: requestId,
    ...statusHeaders(status),
  });
  res.end(body);
}
