import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Req } from '@nestjs/common';
import { TENANT_GROUP } from '@mortise/api';
import { RbacAuthorizer, type PipelineRequest } from '@mortise/authz';
import { MembersService, type Member, type MemberScope } from '../members.service.js';

const BASE = 'kapis/tenant.mortise.io/v1';

/**
 * Members of workspaces (`/workspaces/{ws}/members`) and projects
 * (`/namespaces/{project}/members`). The request pipeline has already
 * authorized the verb on `members` in that scope; escalation rules are the
 * service's.
 */
@Controller(BASE)
export class MembersController {
  constructor(
    @Inject(MembersService) private readonly members: MembersService,
    @Inject(RbacAuthorizer) private readonly authz: RbacAuthorizer,
  ) {}

  @Get('workspaces/:ws/members')
  async listWorkspace(@Req() req: PipelineRequest, @Param('ws') ws: string): Promise<{ items: Member[] }> {
    return this.list(req, await this.members.workspaceScope(ws));
  }

  @Get('namespaces/:ns/members')
  async listProject(@Req() req: PipelineRequest, @Param('ns') ns: string): Promise<{ items: Member[] }> {
    return this.list(req, await this.members.projectScope(ns));
  }

  @Post('workspaces/:ws/members')
  @HttpCode(201)
  async addToWorkspace(@Req() req: PipelineRequest, @Param('ws') ws: string, @Body() body: unknown): Promise<Member> {
    return this.members.add(req.caller, await this.members.workspaceScope(ws), body);
  }

  @Post('namespaces/:ns/members')
  @HttpCode(201)
  async addToProject(@Req() req: PipelineRequest, @Param('ns') ns: string, @Body() body: unknown): Promise<Member> {
    return this.members.add(req.caller, await this.members.projectScope(ns), body);
  }

  @Get('workspaces/:ws/members/:username')
  async getInWorkspace(
    @Req() req: PipelineRequest,
    @Param('ws') ws: string,
    @Param('username') user: string,
  ): Promise<Member> {
    return this.members.get(req.caller, await this.members.workspaceScope(ws), user);
  }

  @Get('namespaces/:ns/members/:username')
  async getInProject(
    @Req() req: PipelineRequest,
    @Param('ns') ns: string,
    @Param('username') user: string,
  ): Promise<Member> {
    return this.members.get(req.caller, await this.members.projectScope(ns), user);
  }

  @Put('workspaces/:ws/members/:username')
  async updateInWorkspace(
    @Req() req: PipelineRequest,
    @Param('ws') ws: string,
    @Param('username') user: string,
    @Body() body: unknown,
  ): Promise<Member> {
    return this.members.update(req.caller, await this.members.workspaceScope(ws), user, body);
  }

  @Put('namespaces/:ns/members/:username')
  async updateInProject(
    @Req() req: PipelineRequest,
    @Param('ns') ns: string,
    @Param('username') user: string,
    @Body() body: unknown,
  ): Promise<Member> {
    return this.members.update(req.caller, await this.members.projectScope(ns), user, body);
  }

  @Delete('workspaces/:ws/members/:username')
  async removeFromWorkspace(
    @Req() req: PipelineRequest,
    @Param('ws') ws: string,
    @Param('username') user: string,
  ): Promise<Member> {
    return this.remove(req, await this.members.workspaceScope(ws), user);
  }

  @Delete('namespaces/:ns/members/:username')
  async removeFromProject(
    @Req() req: PipelineRequest,
    @Param('ns') ns: string,
    @Param('username') user: string,
  ): Promise<Member> {
    return this.remove(req, await this.members.projectScope(ns), user);
  }

  private async remove(req: PipelineRequest, scope: MemberScope, username: string): Promise<Member> {
    const member = await this.members.get(req.caller, scope, username);
    await this.members.remove(req.caller, scope, username);
    return member;
  }

  /** A list allowed only in part (e.g. to a project member asking about the workspace) shows only members the caller may get. */
  private async list(req: PipelineRequest, scope: MemberScope): Promise<{ items: Member[] }> {
    const result = await this.members.list(req.caller, scope);
    if (!req.decision?.filtered) return result;
    const where =
      scope.level === 'workspace'
        ? { workspace: scope.workspace }
        : { workspace: scope.workspace, namespace: scope.project };
    return {
      items: result.items.filter((m) =>
        this.authz.mayGet(req.caller, TENANT_GROUP, 'members', { metadata: { name: m.username, ...where } }),
      ),
    };
  }
}
