/**
 * The one catalogue of domain errors. Domain code throws these; a single
 * filter in the kernel maps them to Kubernetes `Status` responses.
 * Messages say what went wrong and, where it helps, what to do.
 */

export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'MethodNotAllowed'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'Invalid'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Timeout';

export interface StatusCause {
  /** Machine-readable cause, e.g. `FieldValueInvalid`, `FieldValueRequired`. */
  reason: string;
  message: string;
  /** JSON path of the offending field, e.g. `spec.replicas`. */
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export abstract class MortiseError extends Error {
  abstract readonly reason: StatusReason;
  abstract readonly code: number;
  readonly details: StatusDetails | undefined;

  constructor(message: string, details?: StatusDetails) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

export class BadRequestError extends MortiseError {
  readonly reason = 'BadRequest';
  readonly code = 400;
}

export class UnauthorizedError extends MortiseError {
  readonly reason = 'Unauthorized';
  readonly code = 401;
}

export class ForbiddenError extends MortiseError {
  readonly reason = 'Forbidden';
  readonly code = 403;
}

export class NotFoundError extends MortiseError {
  readonly reason = 'NotFound';
  readonly code = 404;
}

export class MethodNotAllowedError extends MortiseError {
  readonly reason = 'MethodNotAllowed';
  readonly code = 405;
}

export class AlreadyExistsError extends MortiseError {
  readonly reason = 'AlreadyExists';
  readonly code = 409;
}

export class ConflictError extends MortiseError {
  readonly reason = 'Conflict';
  readonly code = 409;
}

/** A watch or list asked for a resourceVersion older than the retained history. */
export class ExpiredError extends MortiseError {
  readonly reason = 'Expired';
  readonly code = 410;
}

export class PayloadTooLargeError extends MortiseError {
  readonly reason = 'RequestEntityTooLarge';
  readonly code = 413;
}

export class UnsupportedMediaTypeError extends MortiseError {
  readonly reason = 'UnsupportedMediaType';
  readonly code = 415;
}

export class InvalidError extends MortiseError {
  readonly reason = 'Invalid';
  readonly code = 422;
}

export class TooManyRequestsError extends MortiseError {
  readonly reason = 'TooManyRequests';
  readonly code = 429;
}

export class InternalError extends MortiseError {
  readonly reason = 'InternalError';
  readonly code = 500;
}

export class ServiceUnavailableError extends MortiseError {
  readonly reason = 'ServiceUnavailable';
  readonly code = 503;
}

export class TimeoutError extends MortiseError {
  readonly reason = 'Timeout';
  readonly code = 504;
}

export function isMortiseError(err: unknown): err is MortiseError {
  return err instanceof MortiseError;
}
