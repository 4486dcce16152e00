import type { Caller, RequestInfo } from '@mortise/api';

/** One audited request: every mutation and every denial. Never carries bodies or credentials. */
export interface AuditEvent {
  /** RFC 3339 time the request completed. */
  time: string;
  requestId?: string;
  user: string;
  sourceIP: string;
  verb: string;
  apiGroup: string;
  resource: string;
  subresource?: string;
  name: string;
  scope: RequestInfo['scope'];
  workspace: string;
  project: string;
  /** Non-resource requests: the path. */
  path?: string;
  decision: 'allow' | 'deny';
  reason: string;
  code: number;
  /** The replica that served the request (and whose log holds this event). */
  replica?: string;
}

const MUTATING_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection', 'post', 'put']);

/** Mutations and denials are audited; reads that succeed are not (metrics count them). */
export function isAudited(info: RequestInfo, code: number): boolean {
  return MUTATING_VERBS.has(info.verb) || code === 401 || code === 403;
}

export interface CompletedRequestFacts {
  caller: Caller | undefined;
  info: RequestInfo;
  code: number;
  sourceIP: string;
  requestId?: string;
  /** Why the authorizer decided as it did, when known. */
  reason?: string;
  time?: Date;
}

export function auditEventOf(facts: CompletedRequestFacts): AuditEvent {
  const { info, code } = facts;
  const denied = code === 401 || code === 403;
  const event: AuditEvent = {
    time: (facts.time ?? new Date()).toISOString(),
    user: facts.caller?.user.username ?? '',
    sourceIP: facts.sourceIP,
    verb: info.verb,
    apiGroup: info.apiGroup,
    resource: info.resource,
    name: info.name,
    scope: info.scope,
    workspace: info.workspace,
    project: info.project,
    decision: denied ? 'deny' : 'allow',
    reason: facts.reason ?? (denied ? 'denied' : 'allowed'),
    code,
  };
  if (facts.requestId) event.requestId = facts.requestId;
  if (info.subresource) event.subresource = info.subresource;
  if (!info.isResourceRequest) event.path = info.path;
  return event;
}
