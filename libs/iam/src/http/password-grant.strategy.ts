import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { UserInfo } from '@mortise/api';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-local';
import { Identity } from '../identity.js';
import { loginSourceOf, oauthBody } from './oauth-request.js';

export const PASSWORD_GRANT_STRATEGY = 'oauth-password';

/** The password grant's credential check as a passport strategy (passport-local over the token request body). */
@Injectable()
export class PasswordGrantStrategy extends PassportStrategy(Strategy, PASSWORD_GRANT_STRATEGY) {
  constructor(private readonly identity: Identity) {
    super({ usernameField: 'username', passwordField: 'password', passReqToCallback: true, session: false });
  }

  validate(request: FastifyRequest, username: string, password: string): Promise<UserInfo> {
    return this.identity.oauth.authenticateUser(loginSourceOf(request, oauthBody(request.body)), username, password);
  }
}
