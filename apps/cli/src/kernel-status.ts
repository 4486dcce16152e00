import { CliError, ExitCode, exitCodeForHttpStatus } from './exit-codes.js';

/** The Kubernetes `Status` the kernel answers errors with (the fields the CLI reads). */
export interface KernelStatus {
  kind?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { causes?: { field?: string; message?: string }[] };
  /** RFC 6749 errors of `/oauth/token`. */
  error?: string;
  error_description?: string;
}

/**
 * One clear line for an error answer: the reason, the message, and each
 * invalid field, e.g. `Invalid: InstallPlan "x" is invalid (spec.extension.version: must be a string)`.
 */
export function describeErrorBody(httpStatus: number, body: unknown): string {
  const status = (typeof body === 'object' && body !== null ? body : {}) as KernelStatus;
  if (status.error !== undefined) return `${status.error}: ${status.error_description ?? `HTTP ${httpStatus}`}`;
  const reason = status.reason ?? `HTTP ${httpStatus}`;
  const message = status.message ?? (typeof body === 'string' && body !== '' ? body : 'no message');
  const causes = (status.details?.causes ?? [])
    .map((c) => [c.field, c.message].filter(Boolean).join(': '))
    .filter((c) => c !== '');
  return causes.length > 0 ? `${reason}: ${message} (${causes.join('; ')})` : `${reason}: ${message}`;
}

/** A CliError for an error answer of the kernel, with the exit code its HTTP status means. */
export function kernelError(httpStatus: number, body: unknown): CliError {
  const status = (typeof body === 'object' && body !== null ? body : {}) as KernelStatus;
  let code = exitCodeForHttpStatus(httpStatus);
  // A rejected password or refresh token is a credential problem, whatever the code.
  if (status.error === 'invalid_grant' || status.error === 'invalid_client') code = ExitCode.Unauthorized;
  return new CliError(describeErrorBody(httpStatus, body), code, status.reason ?? status.error);
}
