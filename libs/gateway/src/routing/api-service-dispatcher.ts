import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { BadRequestError, NotFoundError, type Caller, type RequestInfo } from '@mortise/api';
import { writeStatus } from '../proxy/gateway-errors.js';
import type { ProxyDispatch } from '../proxy/proxy-dispatch.js';
import { upgradeOf } from '../http/upgrade-routing.js';
import { hasDotSegment } from './route-matcher.js';
import type { ProxyRoute } from './proxy-route.js';

/** What the pipeline hands a group dispatcher (the kernel's `DispatchContext`). */
export interface GroupDispatchContext {
  requestId: string;
  caller: Caller;
  info: RequestInfo;
}

/** The kernel's registry of group dispatchers, as much of it as the gateway uses. */
export interface GroupDispatcherSink {
  set(group: string, dispatcher: ApiServiceDispatcher): void;
  delete(group: string, dispatcher?: ApiServiceDispatcher): void;
  /** Whether the group's guards let a request like `info` in (an extension not enabled in a workspace: no). */
  admits?(info: RequestInfo, group: string): boolean;
}

/** `/kapis/{group}/{version}/...` → version, without allocating a split. */
function versionOf(path: string): string {
  const second = path.indexOf('/', 7);
  if (second < 0) return '';
  const third = path.indexOf('/', second + 1);
  return path.slice(second + 1, third < 0 ? undefined : third);
}

/**
 * Serves one API group for the kernel's group dispatch: picks the
 * APIService of the request's version and proxies the raw request to it,
 * path and query unchanged under the upstream's base path. The kernel calls
 * it only after authentication and authorization.
 */
export class ApiServiceDispatcher {
  readonly name: string;

  constructor(
    readonly group: string,
    private readonly routeFor: (version: string) => ProxyRoute | undefined,
    private readonly proxy: ProxyDispatch,
  ) {
    this.name = `apiservice/${group}`;
  }

  async dispatch(request: IncomingMessage, response: ServerResponse, context: GroupDispatchContext): Promise<void> {
    const url = request.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const route = this.routeFor(versionOf(path));
    if (!route) {
      return writeStatus(response, new NotFoundError(`no APIService serves ${path}`));
    }
    if (hasDotSegment(path)) {
      return writeStatus(response, new BadRequestError(`path "${path}" has "." or ".." segments`));
    }
    const upgrade = upgradeOf(request);
    await this.proxy.serve(route, {
      req: request,
      res: response,
      caller: context.caller,
      info: context.info,
      path: route.upstream.target.basePath + url,
      prefix: '',
      clientIp: request.socket.remoteAddress ?? '',
      proto: (request.socket as TLSSocket).encrypted ? 'https' : 'http',
      ...(upgrade ? { upgrade } : {}),
    });
  }
}
