import type { RequestInfo } from '@mortise/api';

/** What a check asks, in RequestInfo terms; `verb` may be any RBAC verb (`bind`, `escalate`, …). */
export type AccessCheck = Pick<
  RequestInfo,
  'isResourceRequest' | 'path' | 'apiGroup' | 'resource' | 'subresource' | 'name' | 'workspace' | 'project'
> & { verb: string };

/** A resource check with every field not given left empty (global scope, no name). */
export function resourceCheck(
  verb: string,
  fields: Partial<Omit<AccessCheck, 'verb' | 'isResourceRequest'>> & { resource: string },
): AccessCheck {
  return {
    verb,
    isResourceRequest: true,
    path: '',
    apiGroup: '',
    subresource: '',
    name: '',
    workspace: '',
    project: '',
    ...fields,
  };
}

/** A resource request as the pipeline would resolve it, for checks made outside a request and for tests. */
export function resourceRequestInfo(
  verb: RequestInfo['verb'],
  fields: Partial<Omit<RequestInfo, 'verb' | 'isResourceRequest'>> & { resource: string },
): RequestInfo {
  const check = resourceCheck(verb, fields);
  return {
    ...check,
    verb,
    isResourceRequest: true,
    apiVersion: fields.apiVersion ?? 'v1',
    scope: fields.scope ?? (check.project ? 'namespace' : check.workspace ? 'workspace' : 'global'),
  };
}
