import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { fastify } from 'fastify';

export interface Server {
  url: string;
  close(): Promise<void>;
}

const PAYLOAD = { apiVersion: 'v1', kind: 'Thing', metadata: { name: 'bench' }, spec: { replicas: 1 } };

/** The floor: one Fastify route returning a small object. */
export async function startBareFastify(): Promise<Server> {
  const app = fastify();
  app.get('/thing', async () => PAYLOAD);
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url: address, close: () => app.close() };
}

@Controller()
class ThingController {
  @Get('thing')
  thing(): typeof PAYLOAD {
    return PAYLOAD;
  }
}

@Module({ controllers: [ThingController] })
class ThingModule {}

/** What Nest on Fastify costs before any kernel logic. */
export async function startBareNest(): Promise<Server> {
  const app = await NestFactory.create<NestFastifyApplication>(ThingModule, new FastifyAdapter(), { logger: false });
  await app.listen(0, '127.0.0.1');
  return { url: await app.getUrl(), close: () => app.close() };
}
