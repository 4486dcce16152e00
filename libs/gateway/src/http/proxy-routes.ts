import type { OutgoingHttpHeaders } from 'node:http';
import { BadRequestError, NotFoundError } from '@mortise/api';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Gateway } from '../gateway.js';
import { upstreamPath, type ProxyRoute } from '../routing/proxy-route.js';
import { hasDotSegment } from '../routing/route-matcher.js';
import { pathOf, pipelineContext, queryOf } from './pipeline-context.js';
import { routeUpgradesThroughFastify, upgradeOf } from './upgrade-routing.js';

const PROXY_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** Hands the request to the proxy, outside the framework's reply (bodies stream, nothing is parsed). */
function handOver(
  request: FastifyRequest,
  reply: FastifyReply,
  gateway: Gateway,
  route: ProxyRoute,
  target: { path: string; prefix: string },
): void {
  const { caller, info } = pipelineContext(request);
  reply.hijack();
  // Headers the pipeline set on the reply (request id) still reach the client: with the upstream's
  // headers in one `writeHead`, or on the raw response before a tunnel answers.
  const early = reply.getHeaders();
  const upgrade = upgradeOf(request.raw);
  if (upgrade) for (const name in early) reply.raw.setHeader(name, early[name]!);
  void gateway.dispatch.serve(route, {
    req: request.raw,
    res: reply.raw,
    caller,
    info,
    path: target.path + queryOf(request.url),
    prefix: target.prefix,
    clientIp: request.ip,
    proto: request.protocol,
    upgrade,
    responseHeaders: upgrade ? undefined : (early as OutgoingHttpHeaders),
  });
}

/**
 * A last root `onRequest` stage for APIService groups, used when the kernel
 * offers no group dispatch: it takes `/kapis/{group}/{version}/...` requests
 * of those groups before any body parsing.
 */
function installApiServiceStage(app: FastifyInstance, gateway: Gateway): void {
  app.addHook('onRequest', async (request, reply) => {
    if (gateway.apiServices.size === 0 || !request.url.startsWith('/kapis/')) return;
    const path = pathOf(request.url);
    const second = path.indexOf('/', 7);
    const third = second < 0 ? -1 : path.indexOf('/', second + 1);
    const group = path.slice(7, second < 0 ? undefined : second);
    const version = second < 0 ? '' : path.slice(second + 1, third < 0 ? undefined : third);
    const route = gateway.apiServices.lookup(group, version);
    if (!route) return;
    if (hasDotSegment(path)) throw new BadRequestError(`path "${path}" has "." or ".." segments`);
    handOver(request, reply, gateway, route, { path: route.upstream.target.basePath + path, prefix: '' });
  });
}

/**
 * The proxy's entry points, registered on Fastify directly unless the
 * kernel's dispatch takes them: `/proxy/...` for ReverseProxy routes (the
 * kernel's path dispatch, or an `onRequest` stage of an encapsulated route)
 * and APIService groups (the kernel's group dispatch, or a root stage).
 * Both run after the pipeline's authentication and authorization hooks, so
 * an unauthorized request never reaches an upstream. Upgrade requests
 * (WebSocket) take the same path.
 */
export function registerProxyRoutes(app: FastifyInstance, gateway: Gateway): void {
  routeUpgradesThroughFastify(app, ['/proxy/', '/kapis/']);
  if (!gateway.usesGroupDispatch) installApiServiceStage(app, gateway);
  if (gateway.usesPathDispatch) return;

  void app.register(async (scope) => {
    // Callback style: the hot path takes no promise; once handed over, the lifecycle stops here.
    scope.addHook('onRequest', (request, reply, done) => {
      const path = pathOf(request.url);
      if (hasDotSegment(path)) return done(new BadRequestError(`path "${path}" has "." or ".." segments`));
      const hit = gateway.reverseProxies.match(request.method, path);
      if (!hit) return done(new NotFoundError(`no ReverseProxy serves ${request.method} ${path}`));
      try {
        handOver(request, reply, gateway, hit.value, upstreamPath(hit.value, path));
      } catch (err) {
        done(err as Error);
      }
    });
    scope.route({
      method: PROXY_METHODS,
      url: '/proxy/*',
      exposeHeadRoute: false,
      // The onRequest stage above always answers; this is never reached.
      handler: async () => {
        throw new NotFoundError('no ReverseProxy serves this path');
      },
    });
  });
}
