import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { sendErrorStatus } from '@mortise/apiserver';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Nest routes' errors take the same path to a Status as the Fastify routes'. */
@Catch()
export class StatusExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    void sendErrorStatus(http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>(), exception);
  }
}
