import type { RequestInfo, RequestVerb } from '@mortise/api';

/** The RequestInfo of a non-resource request (`/proxy/...`, a menu entry's `nonResourceURL`): a path and a verb. */
export function nonResourceInfo(path: string, verb: string): RequestInfo {
  return {
    isResourceRequest: false,
    path,
    verb: verb.toLowerCase() as RequestVerb,
    apiGroup: '',
    apiVersion: '',
    resource: '',
    subresource: '',
    name: '',
    scope: 'global',
    workspace: '',
    project: '',
  };
}
