/**
 * Child process of extension-dispatch.bench: a bare Nest app, the in-memory
 * kernel and a real kernel hosting the same handler, plus the hijack-only floor
 * and bare with a fixed busy wait added (what a few µs of added work costs).
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { InMemoryKernel, writeExtensionPackage } from '@mortise/runtime';
import { startTestKernel } from '@mortise/kernel';
import { PingModule } from './ping.extension.js';
import Fastify, { type FastifyInstance } from 'fastify';
import { answerProfileMessage } from './profile-on-message.js';

const GROUP = 'ping.bench.mortise.io';
const PATH = `/kapis/${GROUP}/v1/namespaces/p1/ping`;

/** The ping handler in a bare Nest+Fastify app, under the extension's path. */
async function pingApp() {
  const app = await NestFactory.create(PingModule, new FastifyAdapter(), { logger: false });
  app.setGlobalPrefix(`kapis/${GROUP}/v1`);
  return app;
}

const bare = await pingApp();
await bare.listen(0, '127.0.0.1');

const pingPackage = () =>
  writeExtensionPackage(
    { name: 'ping', version: '1.0.0', backend: { group: GROUP } },
    new URL('./ping.extension.js', import.meta.url),
  );

const memory = await InMemoryKernel.start({
  users: { bench: { rules: [{ apiGroups: [GROUP], resources: ['ping'], verbs: ['list', 'get'] }] } },
});
await memory.runtime.install(await pingPackage());

// The production pipeline: request id, identity's ES256 access token (verified
// once, then cached), RBAC authorization with audit of denials, metrics and
// the access log, then dispatch into the runtime.
const kernel = await startTestKernel({
  config: { logLevel: 'silent' },
  accessControl: { admins: ['admin'] },
  warmUpFirstInstall: false,
});
await kernel.kernel.extensions.install(await pingPackage());

// The floor: a root Fastify handing every request to a never-listening Nest sub-app, nothing else.
const sub = await pingApp();
await sub.init();
const subFastify = sub.getHttpAdapter().getInstance() as FastifyInstance;
await subFastify.ready();
const root = Fastify();
root.addHook('onRequest', async (request, reply) => {
  reply.hijack();
  subFastify.routing(request.raw, reply.raw);
  return reply;
});

/**
 * Bare with `micros` of busy waiting before the route: calibrates the
 * measure, whose CPU per request grows by more than the work added (the
 * network stack costs more per request as the server slows).
 */
async function bareWithAddedWork(micros: number): Promise<string> {
  const app = await pingApp();
  (app.getHttpAdapter().getInstance() as FastifyInstance).addHook('onRequest', (_request, _reply, done) => {
    const until = performance.now() + micros / 1000;
    while (performance.now() < until);
    done();
  });
  await app.listen(0, '127.0.0.1');
  return `${await app.getUrl()}${PATH}`;
}

const sides = {
  bare: { url: `${await bare.getUrl()}${PATH}`, headers: {} },
  floor: { url: `${await root.listen({ port: 0, host: '127.0.0.1' })}${PATH}`, headers: {} },
  memory: { url: `${await memory.listen()}${PATH}`, headers: { authorization: 'Bearer bench' } },
  kernel: { url: `${kernel.url}${PATH}`, headers: { authorization: `Bearer ${kernel.adminToken}` } },
  bare3us: { url: await bareWithAddedWork(3), headers: {} },
  bare6us: { url: await bareWithAddedWork(6), headers: {} },
};
for (const { url, headers } of Object.values(sides)) {
  const res = await fetch(url, { headers });
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
}
export type DispatchSides = typeof sides;
// 'cpu' → the CPU time used so far; 'profile' / '<file>.cpuprofile' profile the server.
process.on('message', (message) => {
  if (!answerProfileMessage(message)) process.send?.(process.cpuUsage());
});
process.send?.(sides);
process.once('SIGTERM', () => process.exit(0));
