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
  switch (method) {
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
    default: {
      const upper = method.toUpperCase();
      return upper === method ? undefined : resourceVerb(upper, hasName, watch);
    }
  }
}

/** Most segments a resource path has after the prefix: group, version, scope, its name, resource, name, subresource. */
const MAX_RESOURCE_SEGMENTS = 7;

/**
 * The non-empty, decoded segments of `path` after `from`, or undefined when
 * there are more than a resource path can have. One pass with `indexOf`:
 * `split`/`filter`/`map` showed on the hot path.
 */
function resourceSegments(path: string, from: number): string[] | undefined {
  const segments: string[] = [];
  let start = from;
  while (start < path.length) {
    let end = path.indexOf('/', start);
    if (end < 0) end = path.length;
    if (end > start) {
      if (segments.length === MAX_RESOURCE_SEGMENTS) return undefined;
      segments.push(decodeSegment(path.slice(start, end)));
    }
    start = end + 1;
  }
  return segments;
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

  const parts = resourceSegments(path, RESOURCE_API_PREFIX.length + 1);
  if (parts === undefined || parts.length < 3) return nonResource(path, method);

  const apiGroup = parts[0] ?? '';
  const apiVersion = parts[1] ?? '';
  // `rest` is parts[first..]: the resource, its name and subresource, after any scope.
  let first = 2;
  let scope: RequestScope = 'global';
  let workspace = '';
  let project = '';

  const scopeSegment = parts[2];
  if ((scopeSegment === 'workspaces' || scopeSegment === 'namespaces') && parts.length > 3) {
    const scopeName = parts[3] ?? '';
    if (scopeSegment === 'workspaces') workspace = scopeName;
    else project = scopeName;
    const next = parts[4];
    if (next !== undefined && !SCOPE_SUBRESOURCES.has(next)) {
      scope = scopeSegment === 'workspaces' ? 'workspace' : 'namespace';
      first = 4;
    }
  }

  const resource = parts[first] ?? '';
  const name = parts[first + 1] ?? '';
  const subresource = parts[first + 2] ?? '';
  const verb = resourceVerb(method, name !== '', isWatch(query));
  if (verb === undefined || parts.length - first > 3) return nonResource(path, method);
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
