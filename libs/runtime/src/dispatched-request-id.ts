import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';

const REQUEST_ID = Symbol('mortise.runtime.request-id');

type CarriesRequestId = IncomingMessage & { [REQUEST_ID]?: string };

/** Hands the kernel's request id to the extension's application along with the raw request. */
export function carryRequestId(request: IncomingMessage, requestId: string): void {
  (request as CarriesRequestId)[REQUEST_ID] = requestId;
}

/** The id the kernel gave a request; a request from elsewhere (a test's `inject`) gets a fresh one. */
export function requestIdOf(request: IncomingMessage): string {
  return (request as CarriesRequestId)[REQUEST_ID] ?? randomUUID();
}
