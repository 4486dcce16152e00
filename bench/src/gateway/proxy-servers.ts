import { createServer, Agent } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import replyFrom from '@fastify/reply-from';
import httpProxy from 'http-proxy';

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
