import 'reflect-metadata';
import { Global, Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { RequestPipeline, REQUEST_PIPELINE, RESOURCE_STORE, sendErrorStatus } from '@mortise/apiserver';
import { MemoryStore } from '@mortise/store';
import type { FastifyInstance } from 'fastify';
import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { IamModule, type IamModuleOptions } from '../http/iam.module.js';
import { Identity } from '../identity.js';
import { TEST_ARGON2 } from './identity-fixture.js';

@Catch()
class StatusFilter implements ExceptionFilter {
  catch(err: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    if (process.env.IAM_DEBUG) console.error(err);
    sendErrorStatus(http.getRequest(), http.getResponse(), err);
  }
}

@Global()
@Module({})
class StubKernelModule {
  static forRoot(store: MemoryStore, pipeline: RequestPipeline): DynamicModule {
    const providers = [
      { provide: RESOURCE_STORE, useValue: store },
      { provide: REQUEST_PIPELINE, useValue: pipeline },
    ];
    return { module: StubKernelModule, providers, exports: providers.map((p) => p.provide) };
  }
}

export interface IamApp {
  url: string;
  identity: Identity;
  store: MemoryStore;
  app: FastifyInstance;
  close(): Promise<void>;
}

/** The identity module on a bare pipeline, listening on a random port: the HTTP behaviour without a whole kernel. */
export async function startIamApp(options: IamModuleOptions = {}): Promise<IamApp> {
  const store = new MemoryStore();
  const pipeline = new RequestPipeline();
  const adapter = new FastifyAdapter();
  const app = adapter.getInstance<FastifyInstance>();
  // Nest sets the not-found handler itself; keep the pipeline's hooks only.
  const setNotFoundHandler = app.setNotFoundHandler.bind(app);
  app.setNotFoundHandler = () => app;
  pipeline.install(app);
  app.setNotFoundHandler = setNotFoundHandler;
  const nest = await NestFactory.create<NestFastifyApplication>(
    {
      module: class Root {},
      imports: [
        StubKernelModule.forRoot(store, pipeline),
        IamModule.forRoot({ admin: false, ...options, config: { argon2: TEST_ARGON2, ...options.config } }),
      ],
    },
    adapter,
    { bodyParser: false, logger: false },
  );
  nest.useGlobalFilters(new StatusFilter());
  await nest.listen(0, '127.0.0.1');
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const identity = nest.get(Identity);
  identity.config.issuer = url;
  return { url, identity, store, app, close: () => nest.close() };
}
