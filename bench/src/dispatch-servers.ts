/** Child process of extension-dispatch.bench: a bare Nest app and an in-memory kernel hosting the same handler. */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { InMemoryKernel, writeExtensionPackage } from '@mortise/runtime';
import { PingModule } from './ping.extension.js';
import Fastify, { type FastifyInstance } from 'fastify';

const GROUP = 'ping.bench.mortise.io';
const PATH = `/kapis/${GROUP}/v1/namespaces/p1/ping`;

const bare = await NestFactory.create(PingModule, new FastifyAdapter(), { logger: false });
bare.setGlobalPrefix(`kapis/${GROUP}/v1`);
await bare.listen(0, '127.0.0.1');

const kernel = await InMemoryKernel.start({
  users: { bench: { rules: [{ apiGroups: [GROUP], resources: ['ping'], verbs: ['list', 'get'] }] } },
});
await kernel.runtime.install(
  await writeExtensionPackage(
    { name: 'ping', version: '1.0.0', backend: { group: GROUP } },
    new URL('./ping.extension.js', import.meta.url),
  ),
);
// The floor: a root Fastify handing every request to a never-listening Nest sub-app, nothing else.
const sub = await NestFactory.create(PingModule, new FastifyAdapter(), { logger: false });
sub.setGlobalPrefix(`kapis/${GROUP}/v1`);
await sub.init();
const subFastify = sub.getHttpAdapter().getInstance() as FastifyInstance;
await subFastify.ready();
const root = Fastify();
root.addHook('onRequest', async (request, reply) => {
  reply.hijack();
  subFastify.routing(request.raw, reply.raw);
  return reply;
});
const floorUrl = `${await root.listen({ port: 0, host: '127.0.0.1' })}${PATH}`;

const bareUrl = `${await bare.getUrl()}${PATH}`;
const hostedUrl = `${await kernel.listen()}${PATH}`;
const headers = { authorization: 'Bearer bench' };
for (const [url, h] of [
  [bareUrl, {}],
  [hostedUrl, headers],
] as const) {
  const res = await fetch(url, { headers: h });
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
}
process.on('message', () => process.send?.(process.cpuUsage()));
process.send?.({ bareUrl, floorUrl, hostedUrl, headers });
process.once('SIGTERM', () => process.exit(0));
