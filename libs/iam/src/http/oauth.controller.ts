import { Controller, Get, HttpCode, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { UserInfo } from '@mortise/api';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { bearerCredential } from '../bearer-token.authenticator.js';
import { Identity } from '../identity.js';
import { presentedClient } from '../oauth-token.service.js';
import { sessionCookieOf } from '../session-cookie.authenticator.js';
import { OAuthErrorFilter } from './oauth-error.filter.js';
import { callerOf, loginSourceOf, oauthBody } from './oauth-request.js';
import { PasswordGrantGuard } from './password-grant.guard.js';
import { clearSessionCookies, setSessionCookies } from './session-cookies.js';
import { TokenRateLimitGuard } from './token-rate-limit.guard.js';

/** `/oauth/*`: token (RFC 6749), revoke (RFC 7009), logout, userinfo (OIDC), JWKS and key rotation. */
@Controller('oauth')
@UseFilters(OAuthErrorFilter)
export class OAuthController {
  constructor(private readonly identity: Identity) {}

  /** `session_cookie=true` also sets the console's session cookie and returns its `csrf_token`. */
  @Post('token')
  @HttpCode(200)
  @UseGuards(TokenRateLimitGuard, PasswordGrantGuard)
  async token(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const body = oauthBody(request.body);
    const client = presentedClient(request.headers.authorization, body);
    const user = (request as FastifyRequest & { user?: UserInfo }).user;
    const response = await this.identity.oauth.token(loginSourceOf(request, body), client, body, user);
    void reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    if (body.session_cookie !== 'true') return response;
    const csrf = this.identity.tokens.csrfFor(response.access_token);
    setSessionCookies(
      request,
      reply,
      { token: response.access_token, csrf, maxAgeSeconds: response.expires_in },
      this.identity.config.cookieSecure,
    );
    return { ...response, csrf_token: csrf };
  }

  @Post('revoke')
  @HttpCode(200)
  async revoke(@Req() request: FastifyRequest): Promise<void> {
    const body = oauthBody(request.body);
    await this.identity.oauth.revoke(presentedClient(request.headers.authorization, body), body.token);
  }

  /** Ends the session of the bearer token, the session cookie or the `token` in the body, and clears the cookies. */
  @Post('logout')
  @HttpCode(204)
  async logout(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    const token = bearerCredential(request) ?? sessionCookieOf(request) ?? oauthBody(request.body).token;
    await this.identity.oauth.logout(token);
    clearSessionCookies(request, reply, this.identity.config.cookieSecure);
  }

  @Get('userinfo')
  userinfo(@Req() request: FastifyRequest) {
    return this.identity.oauth.userinfo(callerOf(request));
  }

  @Post('userinfo')
  @HttpCode(200)
  userinfoByPost(@Req() request: FastifyRequest) {
    return this.identity.oauth.userinfo(callerOf(request));
  }

  @Get('keys')
  keys(@Res({ passthrough: true }) reply: FastifyReply) {
    void reply.header('cache-control', 'public, max-age=60');
    return this.identity.keys.jwks();
  }

  /** Starts signing with a new key; previous keys keep verifying until their tokens expire. */
  @Post('keys/rotate')
  @HttpCode(200)
  async rotateKeys(@Req() request: FastifyRequest) {
    await this.identity.access.assertNonResource(callerOf(request), 'post', '/oauth/keys/rotate');
    const key = await this.identity.keys.rotate();
    return { kid: key.kid, keys: this.identity.keys.jwks().keys.map((k) => k.kid) };
  }
}
