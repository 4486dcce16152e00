import {
  APIServiceKind,
  ExpiredError,
  ExtensionEntryKind,
  JSBundleKind,
  ReverseProxyKind,
  isMortiseError,
  type APIService,
  type ExtensionEntry,
  type GatewayStatus,
  type JSBundle,
  type Resource,
  type ReverseProxy,
} from '@mortise/api';
import type { KindRef, ResourceStore, WatchEvent } from '@mortise/store';
import type { Gateway } from '../gateway.js';
import { HealthProber, type HealthProberOptions } from '../upstream/health-prober.js';
import type { Upstream, UpstreamAvailability } from '../upstream/upstream.js';
import { gatewayStatus, sameStatus } from './gateway-status.js';

type GatewayKind = 'APIService' | 'ReverseProxy' | 'JSBundle' | 'ExtensionEntry';

interface Followed {
  kind: GatewayKind;
  ref: KindRef;
  /** Returns the upstream to probe, if the object has one. */
  apply: (object: Resource) => Upstream | undefined;
  remove: (name: string) => void;
}

export interface GatewayCatalogOptions {
  health?: HealthProberOptions;
  /** Where follow errors go (the kernel passes its logger); never throws. */
  onError?: (err: unknown, context: string) => void;
  /**
   * Whether this replica writes the objects' status; default always. With
   * several replicas only the leader does, so replicas whose probes
   * disagree do not overwrite each other; each still routes by its own probes.
   */
  writesStatus?: () => boolean;
}

const AVAILABLE: UpstreamAvailability = { state: 'Available', reason: 'Configured', message: 'serving' };

function fingerprint(object: Resource): string {
  const { labels, annotations } = object.metadata;
  return JSON.stringify([object.spec, labels ?? null, annotations ?? null]);
}

/**
 * Keeps the gateway in step with the store: lists the four gateway kinds,
 * then follows their watch, so routes, bundles and menus appear and vanish
 * without a restart. Each object's `status.state` and `Available`
 * condition say whether it serves and, if not, why (invalid spec,
 * conflicting route, failed health probe, disabled).
 */
export class GatewayCatalog {
  private readonly abort = new AbortController();
  private readonly applied = new Map<string, { fingerprint: string; object: Resource }>();
  /** Objects refused for a conflict or a bad spec: retried when another object of their kind goes away. */
  private readonly refused = new Set<string>();
  private readonly prober: HealthProber;
  private readonly kinds: Followed[];
  private readonly loops: Promise<void>[] = [];

  constructor(
    private readonly store: ResourceStore,
    private readonly gateway: Gateway,
    private readonly options: GatewayCatalogOptions = {},
  ) {
    const ref = (def: { group: string; kind: string }): KindRef => ({ group: def.group, kind: def.kind });
    this.kinds = [
      {
        kind: 'APIService',
        ref: ref(APIServiceKind),
        apply: (o) => gateway.applyApiService(o as APIService),
        remove: (n) => gateway.removeApiService(n),
      },
      {
        kind: 'ReverseProxy',
        ref: ref(ReverseProxyKind),
        apply: (o) => gateway.applyReverseProxy(o as ReverseProxy),
        remove: (n) => gateway.removeReverseProxy(n),
      },
      {
        kind: 'JSBundle',
        ref: ref(JSBundleKind),
        apply: (o) => gateway.applyJSBundle(o as JSBundle),
        remove: (n) => gateway.removeJSBundle(n),
      },
      {
        kind: 'ExtensionEntry',
        ref: ref(ExtensionEntryKind),
        apply: (o) => void gateway.applyExtensionEntry(o as ExtensionEntry),
        remove: (n) => gateway.removeExtensionEntry(n),
      },
    ];
    this.prober = new HealthProber(
      () => gateway.allUpstreams(),
      (key, upstream) => void this.reportHealth(key, upstream),
      options.health,
    );
  }

  /** Resolves once every existing object is applied; changes are followed from then on. */
  async start(): Promise<void> {
    for (const followed of this.kinds) {
      const from = await this.resync(followed);
      this.loops.push(this.follow(followed, from));
    }
    await this.prober.probeAll();
    this.prober.start();
  }

  async stop(): Promise<void> {
    this.prober.stop();
    this.abort.abort();
    await Promise.all(this.loops);
  }

  /** Probes every upstream now (tests and readiness use it rather than waiting for the interval). */
  probeNow(): Promise<void> {
    return this.prober.probeAll();
  }

  private async resync(followed: Followed): Promise<string | undefined> {
    const list = await this.store.list(followed.ref);
    const present = new Set<string>();
    for (const object of list.items) {
      present.add(object.metadata.name);
      await this.handle(followed, { type: 'ADDED', object });
    }
    for (const key of [...this.applied.keys()]) {
      const [kind, name] = key.split('/') as [string, string];
      if (kind === followed.kind && !present.has(name)) {
        await this.handle(followed, { type: 'DELETED', object: this.applied.get(key)!.object });
      }
    }
    return list.metadata.resourceVersion;
  }

  private async follow(followed: Followed, from: string | undefined): Promise<void> {
    let resourceVersion = from;
    const signal = this.abort.signal;
    while (!signal.aborted) {
      try {
        const events = this.store.watch({
          kind: followed.ref,
          ...(resourceVersion !== undefined ? { resourceVersion } : {}),
          signal,
        });
        for await (const event of events) {
          resourceVersion = event.object.metadata.resourceVersion ?? resourceVersion;
          if (event.type !== 'BOOKMARK') await this.handle(followed, event);
        }
      } catch (err) {
        if (signal.aborted) return;
        if (err instanceof ExpiredError) resourceVersion = await this.resync(followed).catch(() => undefined);
        else {
          this.options.onError?.(err, `following ${followed.kind}`);
          await new Promise((r) => setTimeout(r, 1_000).unref());
        }
      }
    }
  }

  private async handle(followed: Followed, event: WatchEvent): Promise<void> {
    const object = event.object;
    const key = `${followed.kind}/${object.metadata.name}`;
    if (event.type === 'DELETED') {
      this.applied.delete(key);
      this.refused.delete(key);
      followed.remove(object.metadata.name);
      await this.retryRefused(followed);
      return;
    }
    const print = fingerprint(object);
    const known = this.applied.get(key);
    if (known && known.fingerprint === print) {
      known.object = object;
      return;
    }
    let availability: UpstreamAvailability;
    try {
      const upstream = followed.apply(object);
      this.applied.set(key, { fingerprint: print, object });
      this.refused.delete(key);
      if (upstream) await this.prober.probe(key, upstream);
      availability = upstream ? upstream.state : AVAILABLE;
    } catch (err) {
      // The previous state keeps serving; the object says why its new spec does not.
      this.applied.set(key, { fingerprint: print, object });
      this.refused.add(key);
      availability = {
        state: 'Unavailable',
        reason: isMortiseError(err) ? err.reason : 'InternalError',
        message: isMortiseError(err) ? err.message : 'the gateway could not apply this object',
      };
      if (!isMortiseError(err)) this.options.onError?.(err, `applying ${key}`);
    }
    await this.writeStatus(followed, key, availability);
  }

  private async retryRefused(followed: Followed): Promise<void> {
    for (const key of [...this.refused]) {
      const known = this.applied.get(key);
      if (!known || !key.startsWith(`${followed.kind}/`)) continue;
      known.fingerprint = '';
      await this.handle(followed, { type: 'MODIFIED', object: known.object });
    }
  }

  private async reportHealth(key: string, upstream: Upstream): Promise<void> {
    const followed = this.kinds.find((k) => key.startsWith(`${k.kind}/`));
    if (followed) await this.writeStatus(followed, key, upstream.state);
  }

  private async writeStatus(followed: Followed, key: string, availability: UpstreamAvailability): Promise<void> {
    const known = this.applied.get(key);
    if (!known || this.options.writesStatus?.() === false) return;
    const object = known.object as Resource & { status?: GatewayStatus };
    const status = gatewayStatus(availability, object.status, object.metadata.generation);
    if (sameStatus(object.status, status)) return;
    const bundle = followed.kind === 'JSBundle' ? this.gateway.bundles.get(object.metadata.name) : undefined;
    const extra = bundle ? { link: bundle.link, ...(bundle.digest ? { digest: bundle.digest } : {}) } : {};
    try {
      const updated = await this.store.patch(
        { ...followed.ref, name: object.metadata.name },
        { type: 'merge', patch: { status: { ...status, ...extra } } },
        { subresource: 'status' },
      );
      known.object = updated;
    } catch (err) {
      this.options.onError?.(err, `writing the status of ${key}`);
    }
  }
}
