import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { isMortiseError, toStatus, type Status, type StatusReason } from '@mortise/api';
import type { FastifyReply } from 'fastify';

const REASONS: Record<number, StatusReason> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  410: 'Gone',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

export function failureStatus(code: number, reason: StatusReason, message: string): Status {
  return { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', message, reason, code };
}

function httpExceptionStatus(err: HttpException): Status {
  const code = err.getStatus();
  const body = err.getResponse();
  const raw = typeof body === 'object' && body !== null && 'message' in body ? body.message : err.message;
  const message = Array.isArray(raw) ? raw.join(', ') : String(raw);
  return failureStatus(code, REASONS[code] ?? (code >= 500 ? 'InternalError' : 'BadRequest'), message);
}

/**
 * Maps what an extension's handler throws to a Kubernetes Status. Domain
 * errors and Nest HTTP exceptions are the extension's answers; anything else
 * is a fault: the caller gets an InternalError naming the extension (never
 * the error's text or stack) and the fault is reported to the runtime.
 */
@Catch()
export class ExtensionExceptionFilter implements ExceptionFilter {
  constructor(
    private readonly extension: string,
    private readonly onFault: (err: unknown) => void,
  ) {}

  catch(err: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    let status: Status;
    if (isMortiseError(err)) status = toStatus(err);
    else if (err instanceof HttpException) status = httpExceptionStatus(err);
    else {
      this.onFault(err);
      status = failureStatus(
        500,
        'InternalError',
        `extension "${this.extension}" failed to handle the request; its status has the reason`,
      );
    }
    if (reply.sent || reply.raw.headersSent) return;
    void reply.status(status.code).header('content-type', 'application/json').send(status);
  }
}
