import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Caller, RequestInfo, UserInfo } from '@mortise/api';
import type { IdentityTokenIssuer } from '../identity/identity-token-issuer.js';
import type { ProxyRoute } from '../routing/proxy-route.js';
import { applyHeaderDirectives } from './header-directives.js';
import { IDENTITY_TOKEN_HEADER, upstreamHeaders, type UpstreamHeaderOptions } from './upstream-headers.js';
import type { UpstreamProxy } from './upstream-proxy.js';
import { tunnelUpgrade } from './upgrade-tunnel.js';

export interface ProxyDispatchOptions {
  /** Cookies that carry kernel credentials: never forwarded. The first is the session cookie. */
  credentialCookies: readonly string[];
  trustForwardedFor: boolean;
}

/** One request on its way to a route, as the pipeline left it. */
export interface DispatchRequest {
  req: IncomingMessage;
  res: ServerResponse;
  caller: Caller;
  info: RequestInfo;
  /** Upstream path with the query. */
  path: string;
  /** Path prefix the route removed, for `X-Forwarded-Prefix`. */
  prefix: string;
  clientIp: string;
  proto: string;
  /** Present for `Upgrade` requests (WebSocket): the client's socket and its first bytes. */
  upgrade?: { socket: Duplex; head: Buffer } | undefined;
  /** Headers the kernel already chose for the client's response (the request id). */
  responseHeaders?: OutgoingHttpHeaders | undefined;
}

/** `X-Remote-Groups` per user object: the same (immutable) UserInfo comes back for a cached credential. */
const groupsHeaders = new WeakMap<UserInfo, string>();

function groupsHeader(user: UserInfo): string {
  let header = groupsHeaders.get(user);
  if (header === undefined) groupsHeaders.set(user, (header = user.groups.join(',')));
  return header;
}

function sessionToken(cookie: string | undefined, name: string | undefined): string | undefined {
  if (!cookie || !name) return undefined;
  for (const part of cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/**
 * Builds what an upstream may know about a request (the vouched-for
 * identity, never the client's claims) and hands it to the proxy or the
 * upgrade tunnel.
 */
export class ProxyDispatch {
  /** Client sockets of open tunnels: the HTTP server no longer tracks them, so shutdown ends them here. */
  private readonly tunnels = new Set<Duplex>();
  /** Header options with and without the caller's own token, built once. */
  private readonly headerOptions: { own: UpstreamHeaderOptions; passUserToken: UpstreamHeaderOptions };

  constructor(
    private readonly proxy: UpstreamProxy,
    private readonly identity: IdentityTokenIssuer,
    private readonly options: ProxyDispatchOptions,
  ) {
    const common = { credentialCookies: options.credentialCookies, trustForwardedFor: options.trustForwardedFor };
    this.headerOptions = {
      own: { ...common, passAuthorization: false },
      passUserToken: { ...common, passAuthorization: true },
    };
  }

  serve(route: ProxyRoute, request: DispatchRequest): Promise<void> {
    const { req, caller, info } = request;
    const headers = upstreamHeaders(
      req.headers,
      { clientIp: request.clientIp, proto: request.proto, host: req.headers.host, prefix: request.prefix },
      route.passUserToken ? this.headerOptions.passUserToken : this.headerOptions.own,
    );
    if (route.passUserToken && headers.authorization === undefined && caller.credential === 'cookie') {
      const token = sessionToken(req.headers.cookie, this.options.credentialCookies[0]);
      if (token) headers.authorization = `Bearer ${token}`;
    }
    if (route.headerUp.length > 0) applyHeaderDirectives(headers, route.headerUp);
    if (!route.identity) return this.send(route, request, headers);

    headers['x-remote-user'] = caller.user.username;
    headers['x-remote-groups'] = groupsHeader(caller.user);
    if (info.workspace) headers['x-remote-workspace'] = info.workspace;
    if (info.project) headers['x-remote-project'] = info.project;
    const token = this.identity.tokenFor(caller.user, {
      audience: route.audience,
      ...(info.workspace ? { workspace: info.workspace } : {}),
      ...(info.project ? { project: info.project } : {}),
    });
    if (typeof token === 'string') {
      headers[IDENTITY_TOKEN_HEADER] = token;
      return this.send(route, request, headers);
    }
    return token.then((signed) => {
      headers[IDENTITY_TOKEN_HEADER] = signed;
      return this.send(route, request, headers);
    });
  }

  /** Ends every open WebSocket (or other upgraded) tunnel; for shutdown, before the server closes. */
  closeTunnels(): void {
    for (const socket of this.tunnels) socket.destroy();
    this.tunnels.clear();
  }

  get openTunnels(): number {
    return this.tunnels.size;
  }

  private send(route: ProxyRoute, request: DispatchRequest, headers: OutgoingHttpHeaders): Promise<void> {
    if (request.upgrade) {
      return tunnelUpgrade(
        route.upstream,
        request.req,
        request.res,
        request.upgrade,
        { path: request.path, headers },
        this.tunnels,
      );
    }
    return this.proxy.forward(request.req, request.res, {
      upstream: route.upstream,
      path: request.path,
      headers,
      responseHeaders: request.responseHeaders,
      ...(route.headerDown.length > 0 ? { responseDirectives: route.headerDown } : {}),
    });
  }
}
