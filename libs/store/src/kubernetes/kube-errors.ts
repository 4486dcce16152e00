import {
  AlreadyExistsError,
  BadRequestError,
  ConflictError,
  ExpiredError,
  InvalidError,
  NotFoundError,
  ServiceUnavailableError,
  TooManyRequestsError,
  isMortiseError,
  type StatusCause,
} from '@mortise/api';
import type { ObjectRef } from '../resource-store.js';

interface KubeStatusBody {
  kind?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; causes?: { reason?: string; message?: string; field?: string }[] };
}

/** What the Kubernetes answer was about, in Mortise terms, so messages name Mortise objects. */
export interface ErrorSubject {
  group: string;
  kind: string;
  name?: string;
  scope?: string;
}

export function subjectOf(ref: ObjectRef): ErrorSubject {
  const subject: ErrorSubject = { group: ref.group, kind: ref.kind, name: ref.name };
  if (ref.scope !== undefined) subject.scope = ref.scope;
  return subject;
}

/**
 * Maps a failed Kubernetes call (client-node's ApiException with a `Status`
 * body, a watch ERROR event's Status, or a network failure) to the domain
 * error the store contract names.
 */
export function toDomainError(err: unknown, subject: ErrorSubject): Error {
  if (isMortiseError(err)) return err;
  const code = statusCodeOf(err);
  if (code === undefined) {
    return new ServiceUnavailableError(
      `the Kubernetes API server cannot be reached: ${(err as Error)?.message ?? String(err)}`,
    );
  }
  const status = statusBodyOf(err);
  const what = `${subject.kind} "${subject.name ?? ''}"${subject.scope ? ` in "${subject.scope}"` : ''}`;
  const details = { group: subject.group, kind: subject.kind, ...(subject.name ? { name: subject.name } : {}) };
  const reason = status?.reason;
  switch (code) {
    case 400:
      return new BadRequestError(status?.message ?? 'bad request', details);
    case 404:
      // A missing object's Status names it; a bare 404 means the API server does not serve the resource at all.
      if (status?.details?.name === undefined) {
        return new ServiceUnavailableError(
          `the Kubernetes API server does not serve ${subject.kind}.${subject.group || 'core'} objects; install the CRDs: kubectl apply -f deploy/crds/`,
        );
      }
      return new NotFoundError(`${what} not found`, details);
    case 409:
      return reason === 'AlreadyExists'
        ? new AlreadyExistsError(`${what} already exists`, details)
        : new ConflictError(
            `Operation cannot be fulfilled on ${what}: the object has been modified; please apply your changes to the latest version and try again`,
            details,
          );
    case 410:
      return new ExpiredError(
        `the requested resourceVersion is too old (${status?.message ?? 'expired'}); list again and watch from the list's resourceVersion`,
        details,
      );
    case 422: {
      const causes: StatusCause[] = (status?.details?.causes ?? []).map((c) => ({
        reason: c.reason ?? 'FieldValueInvalid',
        message: c.message ?? '',
        ...(c.field ? { field: c.field } : {}),
      }));
      return new InvalidError(`${what} is invalid: ${status?.message ?? ''}`, { ...details, causes });
    }
    case 429:
      return new TooManyRequestsError('the Kubernetes API server is throttling the store; retry later', details);
    case 401:
    case 403:
      return new ServiceUnavailableError(
        `the Kubernetes API server refused the store (${code}); check the kernel's service account and its RBAC rules for the namespace`,
      );
    default:
      return new ServiceUnavailableError(
        `the Kubernetes API server failed (${code}): ${status?.message ?? 'no detail'}`,
      );
  }
}

function statusCodeOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { code, statusCode } = err as { code?: unknown; statusCode?: unknown };
  if (typeof code === 'number') return code;
  if (typeof statusCode === 'number') return statusCode;
  return undefined;
}

function statusBodyOf(err: unknown): KubeStatusBody | undefined {
  const { body, kind } = err as { body?: unknown; kind?: unknown };
  // A watch ERROR event carries the Status itself; client-node's ApiException carries it as text.
  const raw = kind === 'Status' ? err : body;
  if (typeof raw === 'string') {
    try {
      return JSON.parse(raw) as KubeStatusBody;
    } catch {
      return undefined;
    }
  }
  return typeof raw === 'object' && raw !== null ? raw : undefined;
}
