import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Caller, MortiseError, RequestInfo } from '@mortise/api';
import { upgradeOf } from '../http/upgrade-routing.js';
import { writeStatus } from '../proxy/gateway-errors.js';
import type { DispatchRequest } from '../proxy/proxy-dispatch.js';

/** What the pipeline hands a dispatcher (the kernel's `DispatchContext`). */
export interface GroupDispatchContext {
  requestId: string;
  caller: Caller;
  info: RequestInfo;
}

const REQUEST_ID_HEADER = 'x-request-id';

/**
 * A raw request the pipeline handed over, as the proxy takes it. The request
 * id goes out with the upstream's headers in one `writeHead`; a tunnel has no
 * such answer, so there it is set on the response before the tunnel answers.
 */
export function dispatchedRequest(
  req: IncomingMessage,
  res: ServerResponse,
  context: GroupDispatchContext,
  target: { path: string; prefix: string },
): DispatchRequest {
  const upgrade = upgradeOf(req);
  if (upgrade) res.setHeader(REQUEST_ID_HEADER, context.requestId);
  return {
    req,
    res,
    caller: context.caller,
    info: context.info,
    path: target.path,
    prefix: target.prefix,
    clientIp: req.socket.remoteAddress ?? '',
    proto: (req.socket as TLSSocket).encrypted ? 'https' : 'http',
    upgrade,
    responseHeaders: upgrade ? undefined : { [REQUEST_ID_HEADER]: context.requestId },
  };
}

/** A dispatcher's own refusal (no route, a bad path), with the request id like every answer. */
export function refuse(res: ServerResponse, context: GroupDispatchContext, err: MortiseError): void {
  if (!res.headersSent) res.setHeader(REQUEST_ID_HEADER, context.requestId);
  writeStatus(res, err);
}
