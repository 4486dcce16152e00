import { setMaxListeners } from 'node:events';
import { CoreV1Api, CustomObjectsApi, Watch, type KubeConfig } from '@kubernetes/client-node';
import {
  AlreadyExistsError,
  BadRequestError,
  type KindDefinition,
  type Resource,
  type ResourceList,
} from '@mortise/api';
import { decodeContinueToken, encodeContinueToken } from '../continue-token.js';
import { checkIdentity, objectKey, refOf } from '../object-key.js';
import { generatedName } from '../object-lifecycle.js';
import { patchResource } from '../patch-resource.js';
import { observed, type StoreObserver } from '../store-observer.js';
import {
  scopeOf,
  type DeleteOptions,
  type KindRef,
  type ListOptions,
  type ObjectRef,
  type Patch,
  type PatchOptions,
  type ResourceStore,
  type UpdateOptions,
  type WatchEvent,
  type WatchOptions,
} from '../resource-store.js';
import { loadKubeConfig } from './kube-config.js';
import { CustomResourceCollection } from './custom-resource.collection.js';
import { genericObjectShape, ownCustomResourceShape } from './custom-resource-shapes.js';
import type { KubeCollection } from './kube-collection.js';
import { toKubeLabelSelector } from './kube-label-selector.js';
import { mergeWatches, watchCollection } from './kube-watch.js';
import { SecretCollection } from './secret.collection.js';

export interface KubernetesStoreOptions {
  /** Defaults to `kubeconfigPath`, else the in-cluster service account, else `KUBECONFIG` / `~/.kube/config`. */
  kubeConfig?: KubeConfig;
  /** A kubeconfig file to load instead of the defaults. */
  kubeconfigPath?: string;
  /** The kernel's namespace; defaults to the kubeconfig context's (in-cluster: the pod's), else `default`. */
  namespace?: string;
  /**
   * Kinds with their own CRD (the kernel's, generated into `deploy/crds`);
   * those marked `internal` are kept in Secrets. Any other kind goes to the
   * generic `objects.store.mortise.io` CRD, so no CRD is created at run time.
   */
  kinds?: readonly Pick<KindDefinition, 'group' | 'version' | 'kind' | 'plural' | 'internal'>[];
  /** Receives each operation's latency (round trips to the API server included). */
  observer?: StoreObserver;
}

const GENERATE_NAME_ATTEMPTS = 5;

/**
 * The store on the Kubernetes API: objects are custom resources (or Secrets
 * for internal kinds) in the kernel's namespace, so several kernel replicas
 * share state. resourceVersion, uid, generation and timestamps are the API
 * server's own: etcd revisions are already global and monotonic, and the
 * server enforces optimistic concurrency, finalizers and the status
 * subresource. Scope, selection and naming are mapped in
 * `kube-object-mapping.ts`.
 */
export class KubernetesStore implements ResourceStore {
  readonly namespace: string;
  private readonly customObjects: CustomObjectsApi;
  private readonly core: CoreV1Api;
  private readonly watcher: Watch;
  private readonly collections = new Map<string, KubeCollection>();
  private readonly kinds: NonNullable<KubernetesStoreOptions['kinds']>;
  private readonly closing = new AbortController();
  private readonly observer: StoreObserver | undefined;
  /** The generic CRD across all kinds: the all-kinds watch and the readiness probe read it. */
  private readonly generic: KubeCollection;

  constructor(options: KubernetesStoreOptions = {}) {
    const config = options.kubeConfig ?? loadKubeConfig(options.kubeconfigPath);
    this.namespace = options.namespace ?? config.getContextObject(config.getCurrentContext())?.namespace ?? 'default';
    this.customObjects = config.makeApiClient(CustomObjectsApi);
    this.core = config.makeApiClient(CoreV1Api);
    this.watcher = new Watch(config);
    this.kinds = options.kinds ?? [];
    this.observer = options.observer;
    this.generic = new CustomResourceCollection(this.customObjects, this.namespace, genericObjectShape());
  }

  async get(ref: ObjectRef): Promise<Resource> {
    checkIdentity(ref);
    return observed(this.observer, 'get', ref, () => this.collectionFor(ref).get(ref));
  }

  list(kind: KindRef, options: ListOptions = {}): Promise<ResourceList> {
    return observed(this.observer, 'list', kind, () => this.listPage(kind, options));
  }

  private async listPage(kind: KindRef, options: ListOptions): Promise<ResourceList> {
    const collection = this.collectionFor(kind);
    const labelSelector = toKubeLabelSelector(collection.kindSelector, options);
    const upstream = options.continue ? continueOf(options.continue) : undefined;
    const page = await collection.list(labelSelector, options.limit, upstream);
    const list: ResourceList = {
      apiVersion: page.items[0]?.apiVersion ?? (kind.group ? `${kind.group}/v1` : 'v1'),
      kind: `${kind.kind}List`,
      metadata: { resourceVersion: page.resourceVersion },
      items: page.items,
    };
    const last = page.items[page.items.length - 1];
    if (page.continue && last) {
      // The token names the last key so tampering is caught, and carries the server's token for the next page.
      list.metadata.continue = encodeContinueToken(
        JSON.stringify([objectKey(scopeOf(last), last.metadata.name), page.continue]),
      );
      if (page.remainingItemCount !== undefined) list.metadata.remainingItemCount = page.remainingItemCount;
    }
    return list;
  }

  async create(object: Resource): Promise<Resource> {
    if (!object.metadata?.name && object.metadata?.generateName) {
      for (let attempt = 1; ; attempt++) {
        const named = {
          ...object,
          metadata: { ...object.metadata, name: generatedName(object.metadata.generateName) },
        };
        try {
          return await this.create(named);
        } catch (err) {
          if (!(err instanceof AlreadyExistsError) || attempt >= GENERATE_NAME_ATTEMPTS) throw err;
        }
      }
    }
    const ref = refOf(object);
    checkIdentity(ref);
    return observed(this.observer, 'create', ref, () => this.collectionFor(ref).create(object));
  }

  async update(object: Resource, options: UpdateOptions = {}): Promise<Resource> {
    const ref = refOf(object);
    checkIdentity(ref);
    const op = options.subresource ? 'update-status' : 'update';
    return observed(this.observer, op, ref, () => this.collectionFor(ref).update(object, options));
  }

  patch(ref: ObjectRef, patch: Patch, options: PatchOptions = {}): Promise<Resource> {
    return observed(this.observer, 'patch', ref, () => patchResource(this, ref, patch, options));
  }

  async delete(ref: ObjectRef, options: DeleteOptions = {}): Promise<Resource> {
    checkIdentity(ref);
    return observed(this.observer, 'delete', ref, () => this.collectionFor(ref).delete(ref, options.resourceVersion));
  }

  async *watch(options: WatchOptions): AsyncGenerator<WatchEvent> {
    const { resourceVersion } = options;
    if (resourceVersion !== undefined && resourceVersion !== '' && !/^\d+$/.test(resourceVersion)) {
      throw new BadRequestError(`resourceVersion "${resourceVersion}" is not a version this store issued`);
    }
    const stop = new AbortController();
    const signals = [stop.signal, this.closing.signal, ...(options.signal ? [options.signal] : [])];
    const signal = AbortSignal.any(signals);
    const collections = options.kind ? [this.collectionFor(options.kind)] : this.allCollections();
    // The all-kinds watch has one stream per collection, each listening on this signal: not a leak.
    setMaxListeners(collections.length + 10, signal);
    const streams = collections.map((collection) =>
      watchCollection(this.watcher, {
        collection,
        labelSelector: toKubeLabelSelector(collection.kindSelector, options),
        ...(resourceVersion ? { resourceVersion } : {}),
        bookmarks: options.bookmarkIntervalMs !== undefined,
        signal,
        subject: { group: options.kind?.group ?? '', kind: options.kind?.kind ?? '' },
      }),
    );
    try {
      yield* streams.length === 1 ? streams[0] : mergeWatches(streams, resourceVersion, signal);
    } finally {
      stop.abort();
    }
  }

  async ping(): Promise<void> {
    await this.generic.list('', 1);
  }

  async close(): Promise<void> {
    this.closing.abort();
  }

  /** Where a kind lives: its own CRD, a Secret for internal kinds, or the generic CRD. */
  private collectionFor(kind: KindRef): KubeCollection {
    const key = `${kind.group}/${kind.kind}`;
    let collection = this.collections.get(key);
    if (!collection) {
      const def = this.kinds.find((k) => k.group === kind.group && k.kind === kind.kind);
      if (def?.internal) collection = new SecretCollection(this.core, this.namespace, kind);
      else if (def)
        collection = new CustomResourceCollection(this.customObjects, this.namespace, ownCustomResourceShape(def));
      else collection = new CustomResourceCollection(this.customObjects, this.namespace, genericObjectShape(kind));
      this.collections.set(key, collection);
    }
    return collection;
  }

  /** Every collection, for the all-kinds watch: each own CRD, the generic CRD and the Secrets. */
  private allCollections(): KubeCollection[] {
    const own = this.kinds
      .filter((def) => !def.internal)
      .map((def) => new CustomResourceCollection(this.customObjects, this.namespace, ownCustomResourceShape(def)));
    const secrets = this.kinds.some((def) => def.internal) ? [new SecretCollection(this.core, this.namespace)] : [];
    return [...own, this.generic, ...secrets];
  }
}

function continueOf(token: string): string {
  try {
    const [, upstream] = JSON.parse(decodeContinueToken(token)) as [string, string];
    if (typeof upstream === 'string') return upstream;
  } catch (err) {
    if (err instanceof BadRequestError) throw err;
  }
  throw new BadRequestError('invalid continue token; restart the list without it');
}
