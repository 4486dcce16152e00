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
import { LOGGER } from '@mortise/apiserver';
import type { Logger } from '@mortise/observability';
import { PackageStore, Registry, registerMarketplaceRoutes } from '@mortise/registry';

/**
 * Wires the registry into the kernel: the marketplace routes behind the
 * pipeline, the repository sync controller, and the local repository in the
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
  }

  async onApplicationBootstrap(): Promise<void> {
    // Until the controller host lands, this kernel runs the (leader-only) sync itself.
    await this.registry.syncController.start();
    this.preparing = this.registry.prepareLocalRepository().catch((err: unknown) => {
      this.logger.error({ reason: (err as Error).message }, 'registry: the local repository could not be prepared');
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.preparing;
    await this.registry.syncController.stop();
  }
}
