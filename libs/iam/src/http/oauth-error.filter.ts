import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { OAuthError } from '../oauth-error.js';

/** Answers OAuth endpoint errors in the RFC 6749 §5.2 shape instead of a Status. */
@Catch(OAuthError)
export class OAuthErrorFilter implements ExceptionFilter<OAuthError> {
  catch(error: OAuthError, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (error.error === 'invalid_client') void reply.header('www-authenticate', 'Basic realm="mortise"');
    void reply.header('cache-control', 'no-store').code(error.code).type('application/json').send(error.toJSON());
  }
}
