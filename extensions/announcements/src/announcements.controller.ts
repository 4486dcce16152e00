import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { Caller, type ExtensionCaller } from '@mortise/sdk';
import type { Announcement, Inbox } from './announcement.js';
import { AnnouncementsService } from './announcements.service.js';
import { parseBroadcastInput } from './broadcast-input.js';

/**
 * Project-scoped routes beside the `announcements` plural, which the kernel
 * serves itself (list, get, watch, create, update, delete with validation).
 * The kernel authorizes each route before it gets here: `list inbox`,
 * `create broadcasts`, `create announcements/acknowledge`.
 */
@Controller('namespaces/:project')
export class AnnouncementsController {
  constructor(private readonly announcements: AnnouncementsService) {}

  @Get('inbox')
  inbox(@Caller() caller: ExtensionCaller, @Param('project') project: string): Promise<Inbox> {
    return this.announcements.inbox(caller, project);
  }

  @Post('broadcasts')
  broadcast(
    @Caller() caller: ExtensionCaller,
    @Param('project') project: string,
    @Body() body: unknown,
  ): Promise<Announcement> {
    return this.announcements.broadcast(caller, project, parseBroadcastInput(body));
  }

  @Post('announcements/:name/acknowledge')
  @HttpCode(200)
  acknowledge(
    @Caller() caller: ExtensionCaller,
    @Param('project') project: string,
    @Param('name') name: string,
  ): Promise<Announcement> {
    return this.announcements.acknowledge(caller, project, name);
  }
}
