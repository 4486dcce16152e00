import { Global, Module, type DynamicModule, type Provider, type Type } from '@nestjs/common';
import {
  ADMISSION,
  CONTROLLER_HOST,
  KIND_REGISTRY,
  LOGGER,
  METRICS,
  PUBLIC_ROUTES,
  READINESS,
  REQUEST_PIPELINE,
  RESOURCE_STORE,
} from '@mortise/apiserver';
import type { KernelServices } from './kernel-services.js';
import { DiscoveryController } from './http/discovery.controller.js';
import { HealthController } from './http/health.controller.js';
import { OpenApiController } from './http/openapi.controller.js';

/**
 * The kernel's own routes and the services feature modules inject by token.
 * Global, so a feature module (identity, tenancy, the registry) can inject
 * `REQUEST_PIPELINE`, `RESOURCE_STORE` or `KIND_REGISTRY` without importing this.
 */
@Global()
@Module({})
export class KernelModule {
  static forRoot(services: KernelServices, features: Array<Type | DynamicModule> = []): DynamicModule {
    const providers: Provider[] = [
      { provide: KIND_REGISTRY, useValue: services.kinds },
      { provide: RESOURCE_STORE, useValue: services.store },
      { provide: REQUEST_PIPELINE, useValue: services.pipeline },
      { provide: ADMISSION, useValue: services.admission },
      { provide: PUBLIC_ROUTES, useValue: services.pipeline.publicRoutes },
      { provide: READINESS, useValue: services.readiness },
      { provide: METRICS, useValue: services.metrics },
      { provide: LOGGER, useValue: services.logger },
      { provide: CONTROLLER_HOST, useValue: services.controllers },
    ];
    return {
      module: KernelModule,
      imports: features,
      controllers: [HealthController, DiscoveryController, OpenApiController],
      providers,
      exports: providers.map((p) => (p as { provide: symbol }).provide),
    };
  }
}
