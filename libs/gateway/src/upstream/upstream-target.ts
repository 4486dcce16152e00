import { InvalidError, type Endpoint } from '@mortise/api';

/** Where and how to reach one upstream, resolved from the endpoint fields of a spec. */
export interface UpstreamTarget {
  /** `http(s)://host:port`, what the connection pool is keyed by. */
  origin: string;
  /** Path prefix prepended to every proxied path; `''` or starts with `/` and has no trailing `/`. */
  basePath: string;
  tls: { ca?: string; rejectUnauthorized: boolean };
  connectTimeoutMs: number;
  responseTimeoutMs: number;
  /** Longest silence inside a response body, and of a pooled connection; 0 = no limit (SSE, long downloads). */
  idleTimeoutMs: number;
  maxRequestBodyBytes: number;
}

export const DEFAULT_MAX_REQUEST_BODY_BYTES = 1024 * 1024;
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
export const DEFAULT_RESPONSE_TIMEOUT_MS = 30_000;

function trimBasePath(path: string | undefined): string {
  if (!path || path === '/') return '';
  const withSlash = path.startsWith('/') ? path : `/${path}`;
  return withSlash.endsWith('/') ? withSlash.slice(0, -1) : withSlash;
}

/**
 * `url` wins; a `service` is addressed by its cluster DNS name
 * (`name.namespace.svc`), which is how the kernel reaches it on Kubernetes.
 */
export function resolveUpstreamTarget(endpoint: Endpoint, field = 'spec'): UpstreamTarget {
  let origin: string;
  let basePath: string;
  if (endpoint.url) {
    let url: URL;
    try {
      url = new URL(endpoint.url);
    } catch {
      throw invalid(`${field}.url`, `"${endpoint.url}" is not an absolute URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw invalid(`${field}.url`, `scheme "${url.protocol}" is not supported; use http or https`);
    }
    origin = url.origin;
    basePath = trimBasePath(url.pathname);
  } else if (endpoint.service) {
    const { namespace, name, port, path } = endpoint.service;
    const scheme = port === 443 || endpoint.caBundle ? 'https' : 'http';
    origin = `${scheme}://${name}.${namespace}.svc:${port ?? (scheme === 'https' ? 443 : 80)}`;
    basePath = trimBasePath(path);
  } else {
    throw invalid(field, 'set either url or service to say where requests go');
  }
  const timeouts = endpoint.timeouts ?? {};
  return {
    origin,
    basePath,
    tls: {
      ...(endpoint.caBundle ? { ca: endpoint.caBundle } : {}),
      rejectUnauthorized: endpoint.insecureSkipVerify !== true,
    },
    connectTimeoutMs: timeouts.connect ?? DEFAULT_CONNECT_TIMEOUT_MS,
    responseTimeoutMs: timeouts.response ?? DEFAULT_RESPONSE_TIMEOUT_MS,
    idleTimeoutMs: timeouts.idle ?? 0,
    maxRequestBodyBytes: endpoint.maxRequestBodyBytes ?? DEFAULT_MAX_REQUEST_BODY_BYTES,
  };
}

function invalid(field: string, message: string): InvalidError {
  return new InvalidError(`${field}: ${message}`, { causes: [{ reason: 'FieldValueInvalid', message, field }] });
}
