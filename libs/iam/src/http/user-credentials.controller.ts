import { Body, Controller, Get, HttpCode, Param, Post, Put, Req } from '@nestjs/common';
import { IAM_API_VERSION } from '../iam-kinds.js';
import type { FastifyRequest } from 'fastify';
import { Identity } from '../identity.js';
import type { PasswordChange } from '../user.service.js';
import { callerOf } from './oauth-request.js';

/** Subresources of a User that the generic REST does not serve: password, unlock, login records. */
@Controller('kapis/iam.mortise.io/v1/users/:name')
export class UserCredentialsController {
  constructor(private readonly identity: Identity) {}

  /** `{currentPassword, password}`; admins resetting another user's password omit `currentPassword`. */
  @Put('password')
  @HttpCode(204)
  async changePassword(
    @Req() request: FastifyRequest,
    @Param('name') name: string,
    @Body() body: unknown,
  ): Promise<void> {
    await this.identity.users.changePassword(callerOf(request), name, passwordChangeOf(body));
  }

  @Post('unlock')
  @HttpCode(200)
  unlock(@Req() request: FastifyRequest, @Param('name') name: string) {
    return this.identity.users.unlock(callerOf(request), name);
  }

  @Get('loginrecords')
  async loginRecords(@Req() request: FastifyRequest, @Param('name') name: string) {
    const items = await this.identity.users.loginRecords(callerOf(request), name);
    return { apiVersion: IAM_API_VERSION, kind: 'LoginRecordList', metadata: {}, items };
  }
}

function passwordChangeOf(body: unknown): PasswordChange {
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const change: PasswordChange = { password: typeof fields.password === 'string' ? fields.password : '' };
  if (typeof fields.currentPassword === 'string') change.currentPassword = fields.currentPassword;
  return change;
}
