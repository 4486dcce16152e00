import type { RequestInfo, RequestVerb } from '@mortise/api';

// Stand-in for the authorization lib's resolver until it lands on main.
const VERBS: Record<string, [RequestVerb, RequestVerb]> = {
  GET: ['list', 'get'],
  HEAD: ['list', 'get'],
  POST: ['create', 'create'],
  PUT: ['update', 'update'],
  PATCH: ['patch', 'patch'],
  DELETE: ['deletecollection', 'delete'],
};

export function resolveRequestInfo(method: string, url: string): RequestInfo {
  const path = url.split('?')[0] ?? url;
  const info: RequestInfo = {
    isResourceRequest: false,
    path,
    verb: method.toLowerCase() as RequestVerb,
    apiGroup: '',
    apiVersion: '',
    resource: '',
    subresource: '',
    name: '',
    scope: 'global',
    workspace: '',
    project: '',
  };
  const parts = path.split('/').filter(Boolean).slice(1);
  if (!path.startsWith('/kapis/') || parts.length < 3) return info;
  let rest = parts.slice(2);
  let scope: RequestInfo['scope'] = 'global';
  if ((rest[0] === 'workspaces' || rest[0] === 'namespaces') && rest.length > 2) {
    scope = rest[0] === 'workspaces' ? 'workspace' : 'namespace';
    if (scope === 'workspace') info.workspace = rest[1] ?? '';
    else info.project = rest[1] ?? '';
    rest = rest.slice(2);
  }
  const verbs = VERBS[method.toUpperCase()];
  if (!verbs || rest.length > 3) return info;
  const [resource = '', name = '', subresource = ''] = rest;
  return {
    ...info,
    isResourceRequest: true,
    verb: verbs[name ? 1 : 0],
    apiGroup: parts[0] ?? '',
    apiVersion: parts[1] ?? '',
    resource,
    name,
    subresource,
    scope,
  };
}
