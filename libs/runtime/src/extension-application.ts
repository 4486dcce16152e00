import type { IncomingMessage, ServerResponse } from 'node:http';
import { Module, type DynamicModule, type INestApplication, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { InvalidError } from '@mortise/api';
import {
  EXTENSION_AUTHORIZER,
  EXTENSION_CONFIG,
  EXTENSION_IDENTITY,
  EXTENSION_LOGGER,
  EXTENSION_METRICS,
  RESOURCE_CLIENT,
  type ExtensionAuthorizer,
  type ExtensionDefinition,
  type ExtensionIdentity,
  type ExtensionLogger,
  type ExtensionMetrics,
  type ResourceClient,
} from '@mortise/sdk';
import type { FastifyInstance } from 'fastify';
import { requestIdOf } from './dispatched-request-id.js';
import { ExtensionExceptionFilter } from './extension-exception.filter.js';
import { findShadowingRoutes, type ExtensionRoute } from './route-shadowing.js';

/** The kernel services one extension instance receives through the SDK tokens. */
export interface KernelServices {
  identity: ExtensionIdentity;
  config: unknown;
  logger: ExtensionLogger;
  metrics: ExtensionMetrics;
  authorizer: ExtensionAuthorizer;
  resources: ResourceClient;
}

export interface BootOptions {
  definition: ExtensionDefinition;
  services: KernelServices;
  /** Plurals the kernel serves in the group; a backend route on one is refused. */
  declaredPlurals: readonly string[];
  /** Called for each handler fault (a throw or rejection that is not a domain error). */
  onFault: (err: unknown) => void;
  bodyLimit?: number;
}

class KernelServicesModule {}

function kernelServicesModule(services: KernelServices): DynamicModule {
  const providers = [
    { provide: EXTENSION_IDENTITY, useValue: services.identity },
    { provide: EXTENSION_CONFIG, useValue: services.config },
    { provide: EXTENSION_LOGGER, useValue: services.logger },
    { provide: EXTENSION_METRICS, useValue: services.metrics },
    { provide: EXTENSION_AUTHORIZER, useValue: services.authorizer },
    { provide: RESOURCE_CLIENT, useValue: services.resources },
  ];
  return { module: KernelServicesModule, global: true, providers, exports: providers.map((p) => p.provide) };
}

function nestLogger(logger: ExtensionLogger): LoggerService {
  const text = (message: unknown) => (typeof message === 'string' ? message : JSON.stringify(message));
  return {
    log: (message: unknown) => logger.debug(text(message)),
    debug: (message: unknown) => logger.debug(text(message)),
    verbose: (message: unknown) => logger.debug(text(message)),
    warn: (message: unknown) => logger.warn(text(message)),
    error: (message: unknown) => logger.error(text(message)),
  };
}

/** Rewords framework boot errors so they say what to change in the extension. */
function bootError(extension: string, err: unknown): InvalidError {
  const error = err as { code?: string; message?: string };
  const message = error.message ?? String(err);
  if (error.code === 'FST_ERR_DUPLICATED_ROUTE') {
    return new InvalidError(
      `extension "${extension}" declares one route twice (${message}); remove or rename one handler`,
    );
  }
  return new InvalidError(`extension "${extension}" failed to boot: ${message}`);
}

/**
 * One extension version as a Nest application on its own Fastify instance,
 * initialised but never listening: the kernel hands it requests with
 * `serve`. Routes live under `/kapis/{group}/{apiVersion}/`.
 */
export class ExtensionApplication {
  private constructor(
    private readonly app: INestApplication,
    private readonly fastify: FastifyInstance,
    readonly routes: readonly ExtensionRoute[],
    private readonly stopHooks: Array<() => void | Promise<void>>,
  ) {}

  static async boot(options: BootOptions): Promise<ExtensionApplication> {
    const { definition, services } = options;
    const name = services.identity.name;
    const startHooks: Array<() => void | Promise<void>> = [];
    const stopHooks: Array<() => void | Promise<void>> = [];
    try {
      await definition.register?.({
        identity: services.identity,
        config: services.config,
        logger: services.logger,
        metrics: services.metrics,
        onStart: (hook) => void startHooks.push(hook),
        onStop: (hook) => void stopHooks.push(hook),
      });
    } catch (err) {
      throw new InvalidError(`extension "${name}" refused its registration: ${(err as Error).message}`);
    }

    class ExtensionRootModule {}
    Module({ imports: [kernelServicesModule(services), definition.module] })(ExtensionRootModule);

    // The kernel's request id is the application's (its log lines) and goes back with the answer.
    const adapter = new FastifyAdapter({ bodyLimit: options.bodyLimit ?? 1024 * 1024, genReqId: requestIdOf });
    const fastify = adapter.getInstance<FastifyInstance>();
    fastify.addHook('onRequest', (request, reply, done) => {
      void reply.header('x-request-id', request.id);
      done();
    });
    const routes: ExtensionRoute[] = [];
    fastify.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) routes.push({ method, url: route.url });
    });
    let app: INestApplication | undefined;
    try {
      app = await NestFactory.create(ExtensionRootModule, adapter, {
        abortOnError: false,
        logger: nestLogger(services.logger),
      });
      app.setGlobalPrefix(`kapis/${services.identity.group}/${services.identity.apiVersion}`);
      app.useGlobalFilters(new ExtensionExceptionFilter(name, options.onFault));
      await app.init();
      await fastify.ready();
    } catch (err) {
      await app?.close().catch(() => undefined);
      throw bootError(name, err);
    }
    const shadowing = findShadowingRoutes(routes, services.identity, options.declaredPlurals);
    if (shadowing.length > 0) {
      await app.close();
      throw new InvalidError(
        `extension "${name}" has routes on paths the kernel serves for its declared kinds: ${shadowing
          .map((r) => `${r.method} ${r.url}`)
          .join(', ')}; move them to a subresource (e.g. {plural}/{name}/action) or another plural`,
      );
    }
    try {
      for (const hook of startHooks) await hook();
    } catch (err) {
      await app.close();
      throw new InvalidError(`extension "${name}" failed to start: ${(err as Error).message}`);
    }
    return new ExtensionApplication(app, fastify, routes, stopHooks);
  }

  /** Routes one raw request into the application; the response is written to `response`. */
  serve(request: IncomingMessage, response: ServerResponse): void {
    this.fastify.routing(request, response);
  }

  async close(): Promise<void> {
    for (const hook of this.stopHooks) {
      try {
        await hook();
      } catch {
        // a failing stop hook must not keep the old version's resources alive
      }
    }
    await this.app.close();
  }
}
