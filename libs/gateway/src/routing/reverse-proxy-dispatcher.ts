import type { IncomingMessage, ServerResponse } from 'node:http';
import { BadRequestError, NotFoundError } from '@mortise/api';
import type { ProxyDispatch } from '../proxy/proxy-dispatch.js';
import { dispatchedRequest, refuse, type GroupDispatchContext } from './dispatched-request.js';
import { upstreamPath, type ProxyRoute } from './proxy-route.js';
import type { ReverseProxyRouter } from './reverse-proxy-router.js';
import { hasDotSegment } from './route-matcher.js';

/**
 * Serves `/proxy/...` for the kernel's dispatch: matches the ReverseProxy
 * route and proxies the raw request. The kernel calls it only after
 * authentication and authorization (non-resource URL rules on the path).
 */
export class ReverseProxyDispatcher {
  readonly name = 'reverseproxy';

  constructor(
    private readonly routes: ReverseProxyRouter<ProxyRoute>,
    private readonly proxy: ProxyDispatch,
  ) {}

  dispatch(request: IncomingMessage, response: ServerResponse, context: GroupDispatchContext): Promise<void> | void {
    const url = request.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    if (hasDotSegment(path)) {
      return refuse(response, context, new BadRequestError(`path "${path}" has "." or ".." segments`));
    }
    const method = request.method ?? 'GET';
    const hit = this.routes.match(method, path);
    if (!hit) return refuse(response, context, new NotFoundError(`no ReverseProxy serves ${method} ${path}`));
    const target = upstreamPath(hit.value, path);
    return this.proxy.serve(
      hit.value,
      dispatchedRequest(request, response, context, {
        path: target.path + (q < 0 ? '' : url.slice(q)),
        prefix: target.prefix,
      }),
    );
  }
}
