import type { Resource } from '@mortise/api';
import type { HeaderDirective } from '../proxy/header-directives.js';
import type { Upstream } from '../upstream/upstream.js';
import type { RouteMatcher } from './route-matcher.js';

/** The label that ties gateway objects to the extension that shipped them. */
export const EXTENSION_LABEL = 'extensions.mortise.io/extension';

/** Everything the hot path needs about one APIService or ReverseProxy, computed once per spec change. */
export interface ProxyRoute {
  kind: 'APIService' | 'ReverseProxy' | 'JSBundle';
  name: string;
  extension: string | undefined;
  /** `aud` of the identity token: `ext:<extension>`, else the object's name. */
  audience: string;
  upstream: Upstream;
  /** Only ReverseProxy routes have one. */
  matcher?: RouteMatcher;
  stripPathPrefix?: string;
  stripPathSuffix?: string;
  rewrite?: string;
  headerUp: HeaderDirective[];
  headerDown: HeaderDirective[];
  /** Add identity headers (default); off only for routes that serve nothing user-specific. */
  identity: boolean;
  passUserToken: boolean;
}

export function extensionOf(object: Pick<Resource, 'metadata'>): string | undefined {
  return object.metadata.labels?.[EXTENSION_LABEL] || undefined;
}

export function audienceOf(object: Pick<Resource, 'metadata'>): string {
  const extension = extensionOf(object);
  return extension ? `ext:${extension}` : object.metadata.name;
}

/**
 * The path the upstream receives for a request path (no query): `rewrite`
 * first (a `*` in it stands for what the route's `*` matched), else the
 * strip directives; then the upstream's base path in front. Returns the
 * removed prefix too, for `X-Forwarded-Prefix`.
 */
export function upstreamPath(route: ProxyRoute, path: string): { path: string; prefix: string } {
  let out = path;
  let prefix = '';
  if (route.rewrite !== undefined) {
    const matcher = route.matcher;
    if (route.rewrite.endsWith('*') && matcher?.prefix) {
      const rest = path.length >= matcher.path.length ? path.slice(matcher.path.length) : '';
      out = route.rewrite.slice(0, -1) + rest;
      prefix = matcher.path;
    } else out = route.rewrite;
  } else {
    if (route.stripPathPrefix && out.startsWith(route.stripPathPrefix)) {
      prefix = route.stripPathPrefix;
      out = out.slice(route.stripPathPrefix.length);
    }
    if (route.stripPathSuffix && out.endsWith(route.stripPathSuffix)) {
      out = out.slice(0, out.length - route.stripPathSuffix.length);
    }
  }
  if (!out.startsWith('/')) out = `/${out}`;
  if (prefix.endsWith('/')) prefix = prefix.slice(0, -1);
  return { path: route.upstream.target.basePath + out, prefix };
}
