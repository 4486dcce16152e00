import { Controller, Get, Inject, Param } from '@nestjs/common';
import { NotFoundError, type KindRegistry } from '@mortise/api';
import {
  KIND_REGISTRY,
  apiGroupList,
  apiResourceList,
  type ApiGroupList,
  type ApiResourceList,
} from '@mortise/apiserver';

/** Kubernetes-style discovery, computed from the kind registry on each call (kinds change at run time). */
@Controller('kapis')
export class DiscoveryController {
  constructor(@Inject(KIND_REGISTRY) private readonly kinds: KindRegistry) {}

  @Get()
  groups(): ApiGroupList {
    return apiGroupList(this.kinds);
  }

  @Get(':group/:version')
  resources(@Param('group') group: string, @Param('version') version: string): ApiResourceList {
    const list = apiResourceList(this.kinds, group, version);
    if (!list)
      throw new NotFoundError(`the server could not find the requested resource: ${group}/${version}`, { group });
    return list;
  }
}
