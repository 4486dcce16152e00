import {
  Inject,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnModuleInit,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import type { ControllerHost } from '@mortise/api';
import { CONTROLLER_HOST, LOGGER } from '@mortise/apiserver';
import type { Logger } from '@mortise/observability';
import { PackageStore, Registry, registerMarketplaceRoutes } from '@mortise/registry';

/**
 * Wires the registry into the kernel: the marketplace routes behind the
 * pipeline, the repository sync controller (run on the leader by the
 * controller host), and the local repository in the
 * data dir (seeded once, off the start-up path). Global, so the install
 * plans' module can inject `Registry` and `PackageStore`.
 */
@Module({})
export class RegistryModule implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private preparing: Promise<void> | undefined;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(Registry) private readonly registry: Registry,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(CONTROLLER_HOST) private readonly controllers: ControllerHost,
  ) {}

  static forRoot(registry: Registry): DynamicModule {
    return {
      module: RegistryModule,
      global: true,
      providers: [
        { provide: Registry, useValue: registry },
        { provide: PackageStore, useValue: registry.packages },
      ],
      exports: [Registry, PackageStore],
    };
  }

  onModuleInit(): void {
    const app = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    // On the root instance after the pipeline: authenticated, authorized (resource `marketplace`), errors as Status.
    registerMarketplaceRoutes(app, this.registry.marketplace);
    // Leader-only: the controller host starts it on the replica that leads.
    this.controllers.register(this.registry.syncController);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.preparing = this.registry.prepareLocalRepository().catch((err: unknown) => {
      this.logger.error({ reason: (err as Error).message }, 'registry: the local repository could not be prepared');
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.preparing;
  }
}
