import type { IncomingMessage, ServerResponse } from 'node:http';
import { BadRequestError, NotFoundError, type RequestInfo } from '@mortise/api';
import type { ProxyDispatch } from '../proxy/proxy-dispatch.js';
import { dispatchedRequest, refuse, type GroupDispatchContext } from './dispatched-request.js';
import { hasDotSegment } from './route-matcher.js';
import type { ReverseProxyDispatcher } from './reverse-proxy-dispatcher.js';
import type { ProxyRoute } from './proxy-route.js';

/** The kernel's registry of group dispatchers, as much of it as the gateway uses. */
export interface GroupDispatcherSink {
  set(group: string, dispatcher: ApiServiceDispatcher): void;
  delete(group: string, dispatcher?: ApiServiceDispatcher): void;
  /** Hands every path under `prefix` to `dispatcher` (the kernel's registry does; `/proxy/` goes there). */
  setPathPrefix?(prefix: string, dispatcher: ReverseProxyDispatcher): void;
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

  dispatch(request: IncomingMessage, response: ServerResponse, context: GroupDispatchContext): Promise<void> | void {
    const url = request.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const route = this.routeFor(versionOf(path));
    if (!route) return refuse(response, context, new NotFoundError(`no APIService serves ${path}`));
    if (hasDotSegment(path)) {
      return refuse(response, context, new BadRequestError(`path "${path}" has "." or ".." segments`));
    }
    return this.proxy.serve(
      route,
      dispatchedRequest(request, response, context, { path: route.upstream.target.basePath + url, prefix: '' }),
    );
  }
}
