import { generateKeyPairSync } from 'node:crypto';
import { createServer, Agent } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import replyFrom from '@fastify/reply-from';
import httpProxy from 'http-proxy';
import { ApiGroupRegistry, nonResourceRequestInfo, type Caller } from '@mortise/api';
import { Gateway, IdentityTokenIssuer, JwtIdentityTokenSigner, ReverseProxyDispatcher } from '@mortise/gateway';

export interface Started {
  url: string;
}

/** `http-proxy` on a bare Node server, with a keep-alive agent (its best configuration). */
export async function startHttpProxy(upstream: string): Promise<Started> {
  const proxy = httpProxy.createProxyServer({
    target: upstream,
    agent: new Agent({ keepAlive: true, maxSockets: 128 }),
  });
  proxy.on('error', (_err, _req, res) => {
    if ('writeHead' in res && !res.headersSent) res.writeHead(502).end();
  });
  const server = createServer((req, res) => proxy.web(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** `@fastify/reply-from` on a bare Fastify, one catch-all route. */
export async function startReplyFrom(upstream: string): Promise<Started> {
  const app = Fastify();
  await app.register(replyFrom, { base: upstream, undici: { connections: 128, pipelining: 1 } });
  app.all('/*', (request, reply) => reply.from(request.url));
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url };
}

/**
 * The gateway's proxy core as the kernel runs it (its `/proxy/` dispatcher,
 * called from the HTTP server), with a constant caller in place of the
 * pipeline: the implementation choice measured on its own, as the two above are.
 */
export async function startBareGateway(upstream: string): Promise<Started> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const gateway = new Gateway({
    groups: new ApiGroupRegistry(),
    identity: new IdentityTokenIssuer(
      new JwtIdentityTokenSigner(() => ({ kid: 'k1', algorithm: 'ES256', privateKey })),
      {
        issuer: 'bench',
      },
    ),
    authorizer: { authorize: () => ({ allowed: true, reason: 'bench' }) },
  });
  gateway.applyReverseProxy({
    apiVersion: 'extensions.mortise.io/v1',
    kind: 'ReverseProxy',
    metadata: { name: 'bench' },
    spec: { matcher: { path: '/proxy/bench/*' }, url: upstream, directives: { stripPathPrefix: '/proxy/bench' } },
  });
  const caller: Caller = { user: { username: 'bench', uid: 'bench', groups: [] }, credential: 'token' };
  const dispatcher = new ReverseProxyDispatcher(gateway.reverseProxies, gateway.dispatch);
  let sequence = 0;
  const server = createServer((req, res) => {
    const info = nonResourceRequestInfo(req.url ?? '/', req.method ?? 'GET');
    void dispatcher.dispatch(req, res, { requestId: String(++sequence), caller, info });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
