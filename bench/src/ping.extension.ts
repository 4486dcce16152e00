import { Controller, Get, Module, Param } from '@nestjs/common';
import { defineExtension } from '@mortise/sdk';

/** The handler both sides of the dispatch benchmark serve. */
@Controller()
export class PingController {
  @Get('namespaces/:project/ping')
  ping(@Param('project') project: string) {
    return { kind: 'Ping', project, ok: true };
  }
}

@Module({ controllers: [PingController] })
export class PingModule {}

export default defineExtension({ module: PingModule });
