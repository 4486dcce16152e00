import { isMortiseError, type StatusDetails, type StatusReason } from './errors.js';

/** The Kubernetes `Status` object every error response carries. */
export interface Status {
  apiVersion: 'v1';
  kind: 'Status';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: StatusReason;
  details?: StatusDetails;
  code: number;
}

/**
 * Maps any thrown value to a Status. Unknown errors become a generic
 * InternalError: their message and stack may hold internals, so neither
 * reaches the client.
 */
export function toStatus(err: unknown): Status {
  if (isMortiseError(err)) {
    const status: Status = {
      apiVersion: 'v1',
      kind: 'Status',
      metadata: {},
      status: 'Failure',
      message: err.message,
      reason: err.reason,
      code: err.code,
    };
    if (err.details) status.details = err.details;
    return status;
  }
  return {
    apiVersion: 'v1',
    kind: 'Status',
    metadata: {},
    status: 'Failure',
    message: 'Internal error; the request id in the logs has the detail.',
    reason: 'InternalError',
    code: 500,
  };
}
