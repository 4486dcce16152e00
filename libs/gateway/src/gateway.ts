import type {
  APIService,
  ApiGroupRegistry,
  Authorizer,
  Endpoint,
  ExtensionEntry,
  JSBundle,
  ReverseProxy,
} from '@mortise/api';
import { compileBundle, JSBundleTable, type ExtensionFiles } from './bundles/js-bundle-table.js';
import type { IdentityTokenIssuer } from './identity/identity-token-issuer.js';
import { MenuCatalog } from './menus/menu-catalog.js';
import { parseHeaderDirectives } from './proxy/header-directives.js';
import { ProxyDispatch } from './proxy/proxy-dispatch.js';
import { UpstreamProxy } from './proxy/upstream-proxy.js';
import { ApiServiceDispatcher, type GroupDispatcherSink } from './routing/api-service-dispatcher.js';
import { ReverseProxyDispatcher } from './routing/reverse-proxy-dispatcher.js';
import { PROXY_PREFIX } from './routing/route-matcher.js';
import { ApiServiceTable } from './routing/api-service-table.js';
import { audienceOf, extensionOf, type ProxyRoute } from './routing/proxy-route.js';
import { ReverseProxyRouter } from './routing/reverse-proxy-router.js';
import { parseRouteMatcher } from './routing/route-matcher.js';
import type { CircuitBreakerOptions } from './upstream/circuit-breaker.js';
import { resolveUpstreamTarget } from './upstream/upstream-target.js';
import { Upstream } from './upstream/upstream.js';

export interface GatewayOptions {
  /** The kernel's one registry of API-group owners. */
  groups: ApiGroupRegistry;
  identity: IdentityTokenIssuer;
  /** The pipeline's authorizer; menus ask it whether each entry's permission holds. */
  authorizer: Authorizer;
  extensionFiles?: ExtensionFiles;
  /** Cookies carrying kernel credentials, never forwarded; the first is the session cookie. */
  credentialCookies?: string[];
  /** The kernel sits behind a proxy whose `X-Forwarded-For` it trusts. */
  trustForwardedFor?: boolean;
  maxRetries?: number;
  breaker?: CircuitBreakerOptions;
  connectionsPerUpstream?: number;
  /**
   * The kernel's group dispatch (the registry in-process extensions use too).
   * Given, each APIService group is registered there and the kernel hands
   * its requests over; absent, `registerGatewayRoutes` installs its own stage.
   */
  dispatchers?: GroupDispatcherSink;
}

/** The annotation that switches a gateway object off (the registry sets it when an extension is disabled). */
export const DISABLED_ANNOTATION = 'extensions.mortise.io/disabled';

export const DEFAULT_CREDENTIAL_COOKIES = ['mortise_session', 'mortise_csrf'];

type Annotated = { metadata: { annotations?: Record<string, string> } };
const isDisabled = (object: Annotated): boolean => object.metadata.annotations?.[DISABLED_ANNOTATION] === 'true';

/**
 * The gateway's live state: route tables, bundles, menus and one upstream
 * per object. `apply*` compiles a spec and swaps it in (the old upstream
 * closes once its requests finish); it throws InvalidError or ConflictError
 * and leaves the previous state when the spec cannot be served.
 */
export class Gateway {
  readonly reverseProxies = new ReverseProxyRouter<ProxyRoute>();
  readonly apiServices: ApiServiceTable;
  readonly bundles = new JSBundleTable();
  readonly menus: MenuCatalog;
  readonly dispatch: ProxyDispatch;
  private readonly upstreams = new Map<string, Upstream>();
  private readonly groupDispatchers = new Map<string, ApiServiceDispatcher>();

  constructor(private readonly options: GatewayOptions) {
    this.apiServices = new ApiServiceTable(options.groups);
    const sink = options.dispatchers;
    this.menus = new MenuCatalog(options.authorizer, (info, group) => sink?.admits?.(info, group) ?? true);
    this.dispatch = new ProxyDispatch(new UpstreamProxy({ maxRetries: options.maxRetries ?? 2 }), options.identity, {
      credentialCookies: options.credentialCookies ?? DEFAULT_CREDENTIAL_COOKIES,
      trustForwardedFor: options.trustForwardedFor ?? false,
    });
    sink?.setPathPrefix?.(PROXY_PREFIX, new ReverseProxyDispatcher(this.reverseProxies, this.dispatch));
  }

  applyReverseProxy(object: ReverseProxy): Upstream {
    const directives = object.spec.directives ?? {};
    const matcher = parseRouteMatcher(object.spec.matcher);
    const route = this.route('ReverseProxy', object, object.spec, {
      matcher,
      ...(directives.stripPathPrefix !== undefined ? { stripPathPrefix: directives.stripPathPrefix } : {}),
      ...(directives.stripPathSuffix !== undefined ? { stripPathSuffix: directives.stripPathSuffix } : {}),
      ...(directives.rewrite !== undefined ? { rewrite: directives.rewrite } : {}),
      headerUp: parseHeaderDirectives(directives.headerUp, 'spec.directives.headerUp'),
      headerDown: parseHeaderDirectives(directives.headerDown, 'spec.directives.headerDown'),
      identity: directives.authProxy !== false,
      passUserToken: directives.passUserToken === true,
    });
    return this.swap(`ReverseProxy/${object.metadata.name}`, route.upstream, () =>
      this.reverseProxies.set(object.metadata.name, matcher, route),
    );
  }

  removeReverseProxy(name: string): void {
    this.reverseProxies.delete(name);
    this.retire(`ReverseProxy/${name}`);
  }

  applyApiService(object: APIService): Upstream {
    const route = this.route('APIService', object, object.spec, {
      headerUp: [],
      headerDown: [],
      identity: true,
      passUserToken: false,
    });
    const upstream = this.swap(`APIService/${object.metadata.name}`, route.upstream, () =>
      this.apiServices.set(object.metadata.name, object.spec.group, object.spec.version, route),
    );
    this.syncGroupDispatchers();
    return upstream;
  }

  removeApiService(name: string): void {
    this.apiServices.delete(name);
    this.retire(`APIService/${name}`);
    this.syncGroupDispatchers();
  }

  /** Whether APIService requests come through the kernel's group dispatch rather than the gateway's own stage. */
  get usesGroupDispatch(): boolean {
    return this.options.dispatchers !== undefined;
  }

  /** Whether `/proxy/...` requests come through the kernel's dispatch rather than the gateway's own route. */
  get usesPathDispatch(): boolean {
    return this.options.dispatchers?.setPathPrefix !== undefined;
  }

  /** The installed package directory of an extension on this kernel, for its packaged bundles. */
  packageRootOf(extension: string): string | undefined {
    return this.options.extensionFiles?.rootOf(extension);
  }

  /** Returns the upstream of a `url` bundle, undefined for inline and packaged ones. */
  applyJSBundle(object: JSBundle): Upstream | undefined {
    let upstream: Upstream | undefined;
    const compiled = compileBundle(object, this.options.extensionFiles, () => {
      const route = this.route('JSBundle', object, object.spec, {
        headerUp: [],
        headerDown: [],
        identity: false,
        passUserToken: false,
      });
      upstream = route.upstream;
      return route;
    });
    const key = `JSBundle/${object.metadata.name}`;
    if (upstream) this.swap(key, upstream, () => this.bundles.set(compiled));
    else {
      this.bundles.set(compiled);
      this.retire(key);
    }
    return upstream;
  }

  removeJSBundle(name: string): void {
    this.bundles.delete(name);
    this.retire(`JSBundle/${name}`);
  }

  applyExtensionEntry(object: ExtensionEntry): void {
    this.menus.set(object);
  }

  removeExtensionEntry(name: string): void {
    this.menus.delete(name);
  }

  /** Registers a dispatcher for each group that gained its first APIService, removes those of groups left without one. */
  private syncGroupDispatchers(): void {
    const sink = this.options.dispatchers;
    if (!sink) return;
    for (const group of this.apiServices.servedGroups()) {
      if (this.groupDispatchers.has(group)) continue;
      const dispatcher = new ApiServiceDispatcher(group, (v) => this.apiServices.lookup(group, v), this.dispatch);
      this.groupDispatchers.set(group, dispatcher);
      sink.set(group, dispatcher);
    }
    for (const [group, dispatcher] of this.groupDispatchers) {
      if (this.apiServices.hasGroup(group)) continue;
      this.groupDispatchers.delete(group);
      sink.delete(group, dispatcher);
    }
  }

  /** Every live upstream by owner (`Kind/name`), for health probes and status. */
  allUpstreams(): ReadonlyMap<string, Upstream> {
    return this.upstreams;
  }

  /** Ends open tunnels and closes every pool (idle connections now, busy ones when their request ends). */
  async close(): Promise<void> {
    this.dispatch.closeTunnels();
    const all = [...this.upstreams.values()];
    this.upstreams.clear();
    await Promise.all(all.map((u) => u.close()));
  }

  private route(
    kind: ProxyRoute['kind'],
    object: ReverseProxy | APIService | JSBundle,
    endpoint: Endpoint,
    rest: Omit<ProxyRoute, 'kind' | 'name' | 'extension' | 'audience' | 'upstream'>,
  ): ProxyRoute {
    const target = resolveUpstreamTarget(endpoint);
    const upstream = new Upstream(`${kind} "${object.metadata.name}"`, target, {
      ...(this.options.breaker ? { breaker: this.options.breaker } : {}),
      ...(this.options.connectionsPerUpstream ? { connections: this.options.connectionsPerUpstream } : {}),
    });
    upstream.setDisabled(isDisabled(object));
    return {
      kind,
      name: object.metadata.name,
      extension: extensionOf(object),
      audience: audienceOf(object),
      upstream,
      ...rest,
    };
  }

  /** Installs a new upstream for `key`; on failure closes it and keeps the old one. */
  private swap(key: string, upstream: Upstream, install: () => void): Upstream {
    try {
      install();
    } catch (err) {
      void upstream.close();
      throw err;
    }
    const previous = this.upstreams.get(key);
    this.upstreams.set(key, upstream);
    if (previous) void previous.close();
    return upstream;
  }

  private retire(key: string): void {
    const previous = this.upstreams.get(key);
    this.upstreams.delete(key);
    if (previous) void previous.close();
  }
}
