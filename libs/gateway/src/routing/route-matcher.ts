import { InvalidError } from '@mortise/api';

/** Every ReverseProxy path lives under this prefix. */
export const PROXY_PREFIX = '/proxy/';

export interface RouteMatcher {
  /** Exact path, or the prefix (ending in `/` or not) a trailing `*` stood for. */
  path: string;
  prefix: boolean;
  /** Upper-case method, or `*`. */
  method: string;
}

/** `{path, method}` from a spec: `/proxy/app/*` is a prefix, anything else exact. */
export function parseRouteMatcher(matcher: { path: string; method?: string }, field = 'spec.matcher'): RouteMatcher {
  const prefix = matcher.path.endsWith('*');
  const path = prefix ? matcher.path.slice(0, -1) : matcher.path;
  const invalid = (message: string, at: string): InvalidError =>
    new InvalidError(`${at}: ${message}`, { causes: [{ reason: 'FieldValueInvalid', message, field: at }] });
  if (!path.startsWith(PROXY_PREFIX) || path.length <= PROXY_PREFIX.length) {
    throw invalid(`"${matcher.path}" must start with ${PROXY_PREFIX} and name something under it`, `${field}.path`);
  }
  if (path.includes('*') || hasDotSegment(path)) {
    throw invalid(`"${matcher.path}" may only end in "*" and has no "." or ".." segments`, `${field}.path`);
  }
  const method = (matcher.method ?? '*').toUpperCase();
  if (method !== '*' && !/^[A-Z]+$/.test(method))
    throw invalid(`"${matcher.method}" is not an HTTP method`, `${field}.method`);
  return { path, prefix, method };
}

function pathsOverlap(a: RouteMatcher, b: RouteMatcher): boolean {
  if (!a.prefix && !b.prefix) return a.path === b.path;
  if (a.prefix && b.prefix) return a.path.startsWith(b.path) || b.path.startsWith(a.path);
  const [exact, prefix] = a.prefix ? [b, a] : [a, b];
  return matchesPrefix(prefix.path, exact.path);
}

/** Two matchers overlap when one request could match both. */
export function matchersOverlap(a: RouteMatcher, b: RouteMatcher): boolean {
  const methods = a.method === '*' || b.method === '*' || a.method === b.method;
  return methods && pathsOverlap(a, b);
}

/** `/proxy/app/` matches `/proxy/app/x` and `/proxy/app` itself. */
export function matchesPrefix(prefix: string, path: string): boolean {
  if (path.startsWith(prefix)) return true;
  return prefix.endsWith('/') && path === prefix.slice(0, -1);
}

export function describeMatcher(m: RouteMatcher): string {
  return `${m.method} ${m.path}${m.prefix ? '*' : ''}`;
}

const UNSAFE_PATH_CHARACTER = /[.%\\\0]/;

/**
 * Whether a request path has `.` or `..` segments once percent-decoding is
 * undone (`%2e%2e`, `..%2f`, backslashes): such a path could step out of the
 * route or bundle it names, so it is refused before any lookup. Undecodable
 * paths count as unsafe.
 */
export function hasDotSegment(path: string): boolean {
  // Most paths have none of `.`, `%` or `\`: nothing to decode or split.
  if (!UNSAFE_PATH_CHARACTER.test(path)) return false;
  let decoded: string;
  try {
    decoded = path.includes('%') ? decodeURIComponent(path) : path;
  } catch {
    return true;
  }
  if (decoded.includes('\0')) return true;
  for (const segment of decoded.split(/[/\\]/)) if (segment === '..' || segment === '.') return true;
  return false;
}
