import {
  nonResourceRequestInfo as nonResource,
  type RequestInfo,
  type RequestScope,
  type RequestVerb,
} from '@mortise/api';

/** Path prefix of every resource API, ours and extensions'. */
export const RESOURCE_API_PREFIX = '/kapis';

/** Segments after `workspaces/{ws}` that address the Workspace itself, like Kubernetes' namespace subresources. */
const SCOPE_SUBRESOURCES = new Set(['status', 'finalize']);

/** A malformed escape stays as sent; the route then finds no such object instead of failing the request. */
function decodeSegment(segment: string): string {
  // Most segments have no escape: skip the decoder (and its try) on the hot path.
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function isWatch(query: string): boolean {
  // Parsing the query costs more than the rest of RequestInfo; most requests have no `watch` in it.
  return query.includes('watch') && new URLSearchParams(query).get('watch') === 'true';
}

function resourceVerb(method: string, hasName: boolean, watch: boolean): RequestVerb | undefined {
  switch (method.toUpperCase()) {
    case 'GET':
    case 'HEAD':
      if (watch) return 'watch';
      return hasName ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return hasName ? 'delete' : 'deletecollection';
    default:
      return undefined;
  }
}

/**
 * What a request asks to do, with Kubernetes semantics, from its method and
 * URL alone (no body, no framework). Resource paths are
 * `/kapis/{group}/{version}/[workspaces/{ws}/|namespaces/{project}/]{resource}[/{name}[/{subresource}]]`.
 *
 * `workspaces/{ws}` with nothing after it (or only `status`/`finalize`)
 * addresses the Workspace object itself: scope stays global but `workspace`
 * is set, so rules bound in that workspace can apply to it, as Kubernetes
 * does for `namespaces/{ns}`. Everything else, discovery (`/kapis/{group}/{version}`)
 * included, is a non-resource request whose verb is the lowercased method.
 */
export function resolveRequestInfo(method: string, url: string): RequestInfo {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? '' : url.slice(q + 1);
  if (!path.startsWith(`${RESOURCE_API_PREFIX}/`)) return nonResource(path, method);

  const parts = path
    .slice(RESOURCE_API_PREFIX.length + 1)
    .split('/')
    .filter((p) => p !== '')
    .map(decodeSegment);
  if (parts.length < 3) return nonResource(path, method);

  const [apiGroup = '', apiVersion = ''] = parts;
  let rest = parts.slice(2);
  let scope: RequestScope = 'global';
  let workspace = '';
  let project = '';

  const scopeSegment = rest[0];
  if ((scopeSegment === 'workspaces' || scopeSegment === 'namespaces') && rest.length > 1) {
    const scopeName = rest[1] ?? '';
    if (scopeSegment === 'workspaces') workspace = scopeName;
    else project = scopeName;
    const next = rest[2];
    if (next !== undefined && !SCOPE_SUBRESOURCES.has(next)) {
      scope = scopeSegment === 'workspaces' ? 'workspace' : 'namespace';
      rest = rest.slice(2);
    }
  }

  const [resource = '', name = '', subresource = ''] = rest;
  const verb = resourceVerb(method, name !== '', isWatch(query));
  if (verb === undefined || rest.length > 3) return nonResource(path, method);
  return {
    isResourceRequest: true,
    path,
    verb,
    apiGroup,
    apiVersion,
    resource,
    subresource,
    name,
    scope,
    workspace,
    project,
  };
}
