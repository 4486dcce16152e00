import type { ExtensionIdentity } from '@mortise/sdk';

export interface ExtensionRoute {
  method: string;
  url: string;
}

function isPattern(segment: string): boolean {
  return segment.startsWith(':') || segment.includes('*');
}

/**
 * Routes that would answer where the kernel serves a declared kind: the
 * plural itself, one object, or its `status`. A parameter or wildcard in the
 * resource position could match a declared plural, so it shadows too.
 */
export function findShadowingRoutes(
  routes: readonly ExtensionRoute[],
  identity: Pick<ExtensionIdentity, 'group' | 'apiVersion'>,
  declaredPlurals: readonly string[],
): ExtensionRoute[] {
  if (declaredPlurals.length === 0) return [];
  const prefix = `/kapis/${identity.group}/${identity.apiVersion}/`;
  return routes.filter((route) => {
    if (!route.url.startsWith(prefix)) return false;
    let segments = route.url.slice(prefix.length).split('/').filter(Boolean);
    if ((segments[0] === 'workspaces' || segments[0] === 'namespaces') && segments.length > 2) {
      segments = segments.slice(2);
    }
    const [resource, , subresource] = segments;
    if (resource === undefined) return false;
    const onPlural = isPattern(resource) || declaredPlurals.includes(resource);
    return onPlural && (subresource === undefined || subresource === 'status' || isPattern(subresource));
  });
}
