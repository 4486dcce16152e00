import { Injectable, type ExecutionContext } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Identity } from '../identity.js';
import { OAuthError } from '../oauth-error.js';
import { presentedClient } from '../oauth-token.service.js';
import { oauthBody } from './oauth-request.js';
import { PASSWORD_GRANT_STRATEGY } from './password-grant.strategy.js';

/**
 * Runs passport for the password grant only, after the client is
 * authenticated, so an unknown or untrusted client never gets a password
 * checked. Other grants pass through to the controller.
 */
@Injectable()
export class PasswordGrantGuard extends AuthGuard(PASSWORD_GRANT_STRATEGY) {
  constructor(private readonly identity: Identity) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const body = oauthBody(request.body);
    if (body.grant_type !== 'password') return true;
    this.identity.oauth.clientFor(presentedClient(request.headers.authorization, body), 'password');
    return (await super.canActivate(context)) as boolean;
  }

  override handleRequest<TUser>(err: unknown, user: TUser): TUser {
    if (err instanceof Error) throw err;
    if (!user) throw new OAuthError('invalid_request', 'username and password are required');
    return user;
  }
}
