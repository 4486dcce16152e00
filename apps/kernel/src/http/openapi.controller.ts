import { Controller, Get, Inject } from '@nestjs/common';
import { buildOpenApiDocument, type KindRegistry } from '@mortise/api';
import { KIND_REGISTRY } from '@mortise/apiserver';
import { KERNEL_VERSION } from '../kernel-version.js';

/** The OpenAPI document of every served kind, rebuilt when the set of kinds changes. */
@Controller()
export class OpenApiController {
  private cached: unknown;

  constructor(@Inject(KIND_REGISTRY) private readonly kinds: KindRegistry) {
    kinds.onChange(() => {
      this.cached = undefined;
    });
  }

  @Get('openapi.json')
  document(): unknown {
    this.cached ??= buildOpenApiDocument(this.kinds.list(), { title: 'Mortise', version: KERNEL_VERSION });
    return this.cached;
  }
}
