import { PayloadTooLargeError, ServiceUnavailableError, TimeoutError, toStatus, type MortiseError } from '@mortise/api';
import type { ServerResponse } from 'node:http';

/** The failures the proxy answers itself, each with a message that says what to do. */
export const gatewayErrors = {
  disabled: (owner: string) =>
    new ServiceUnavailableError(`${owner} is disabled; enable its extension to serve this path`, {
      retryAfterSeconds: 60,
    }),
  unavailable: (owner: string, why: string, retryAfterSeconds: number) =>
    new ServiceUnavailableError(`${owner} is unavailable: ${why}; try again later`, { retryAfterSeconds }),
  circuitOpen: (owner: string, retryAfterSeconds: number) =>
    new ServiceUnavailableError(
      `${owner} failed repeatedly and is paused; the gateway tries it again in ${retryAfterSeconds}s`,
      { retryAfterSeconds },
    ),
  unreachable: (owner: string, code: string) =>
    new ServiceUnavailableError(`${owner} could not be reached (${code}); try again later`, {
      retryAfterSeconds: 1,
    }),
  responseTimeout: (owner: string, ms: number) =>
    new TimeoutError(`${owner} did not answer within ${ms}ms (spec.timeouts.response)`),
  bodyTooLarge: (limit: number) =>
    new PayloadTooLargeError(
      `request body is larger than ${limit} bytes; raise spec.maxRequestBodyBytes to accept more`,
    ),
};

/**
 * Writes a Kubernetes Status straight to the raw response (the proxy runs
 * outside the framework's reply). 503 and 429 carry Retry-After so clients
 * back off instead of hanging or hammering.
 */
export function writeStatus(res: ServerResponse, err: MortiseError, closeConnection = false): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const status = toStatus(err);
  const body = JSON.stringify(status);
  const headers: Record<string, string | number> = {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  };
  if (status.details?.retryAfterSeconds !== undefined) headers['retry-after'] = status.details.retryAfterSeconds;
  if (closeConnection) headers.connection = 'close';
  res.writeHead(status.code, headers);
  res.end(body);
}
