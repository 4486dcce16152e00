import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/** Headers that describe one connection, never forwarded (RFC 9110 §7.6.1), plus `host`, which the pool sets. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
]);

/**
 * Headers only the gateway may set. A client that sends them is ignored, so
 * an upstream trusting `X-Remote-User` can never be told a forged name.
 */
const GATEWAY_OWNED = new Set([
  'x-mortise-identity',
  'x-mortise-csrf',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'x-forwarded-port',
  'x-forwarded-prefix',
]);

export const IDENTITY_TOKEN_HEADER = 'x-mortise-identity';

export interface ForwardedFacts {
  /** Address of the client as the kernel sees it. */
  clientIp: string;
  proto: string;
  host: string | undefined;
  /** Path prefix the gateway removed, so the upstream can build links. */
  prefix?: string;
}

export interface UpstreamHeaderOptions {
  /** Keep `Authorization` (the route opted in with passUserToken). */
  passAuthorization: boolean;
  /** Cookies that carry kernel credentials; removed from `Cookie`. */
  credentialCookies: readonly string[];
  /** Append to the client's `X-Forwarded-For` rather than replace it (the kernel is behind a trusted proxy). */
  trustForwardedFor: boolean;
}

/** The `Connection` values that name no other header: almost every response carries one of these. */
const PLAIN_CONNECTION = new Set(['keep-alive', 'close', 'Keep-Alive', 'Close']);

function connectionTokens(value: string | undefined): Set<string> | undefined {
  if (!value || PLAIN_CONNECTION.has(value)) return undefined;
  const tokens = value
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t !== '' && t !== 'close' && t !== 'keep-alive');
  return tokens.length > 0 ? new Set(tokens) : undefined;
}

/** `Cookie` without the kernel's credential cookies; undefined when nothing is left. */
export function withoutCredentialCookies(cookie: string, names: readonly string[]): string | undefined {
  if (names.length === 0 || !names.some((n) => cookie.includes(n))) return cookie;
  const kept = cookie
    .split(';')
    .map((c) => c.trim())
    .filter((c) => {
      const eq = c.indexOf('=');
      const name = eq < 0 ? c : c.slice(0, eq);
      return c !== '' && !names.includes(name.trim());
    });
  return kept.length > 0 ? kept.join('; ') : undefined;
}

/**
 * The headers an upstream receives: the client's, minus hop-by-hop headers
 * (and those named in `Connection`), minus every identity header a client
 * could forge (`X-Remote-*`, `X-Mortise-*`, `X-Forwarded-*`, `Forwarded`),
 * minus the caller's credentials unless the route opts in, plus the
 * `X-Forwarded-*` set the gateway vouches for.
 */
export function upstreamHeaders(
  incoming: IncomingHttpHeaders,
  facts: ForwardedFacts,
  options: UpstreamHeaderOptions,
): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  const dropped = connectionTokens(incoming.connection);
  for (const name in incoming) {
    if (HOP_BY_HOP.has(name) || GATEWAY_OWNED.has(name) || name.startsWith('x-remote-')) continue;
    if (dropped?.has(name)) continue;
    const value = incoming[name];
    if (value === undefined) continue;
    if (name === 'authorization' && !options.passAuthorization) continue;
    if (name === 'cookie') {
      const cookie = withoutCredentialCookies(value as string, options.credentialCookies);
      if (cookie !== undefined) out.cookie = cookie;
      continue;
    }
    out[name] = value;
  }
  const priorFor = incoming['x-forwarded-for'];
  out['x-forwarded-for'] =
    options.trustForwardedFor && priorFor ? `${String(priorFor)}, ${facts.clientIp}` : facts.clientIp;
  out['x-forwarded-proto'] = facts.proto;
  if (facts.host !== undefined) out['x-forwarded-host'] = facts.host;
  if (facts.prefix) out['x-forwarded-prefix'] = facts.prefix;
  return out;
}

/** Response headers the client gets: the upstream's minus hop-by-hop ones (Node frames the response itself). */
export function downstreamHeaders(headers: Record<string, string | string[] | undefined>): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  const dropped = connectionTokens(headers.connection as string | undefined);
  for (const name in headers) {
    if (HOP_BY_HOP.has(name) && name !== 'host') continue;
    if (dropped?.has(name)) continue;
    const value = headers[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}
