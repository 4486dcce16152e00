import type { CustomObjectsApi } from '@kubernetes/client-node';
import { ConflictError, type Resource } from '@mortise/api';
import { refOf } from '../object-key.js';
import type { ObjectRef, UpdateOptions } from '../resource-store.js';
import { WRITE_ATTEMPTS, withStringTimestamps, type KubeCollection, type KubeListPage } from './kube-collection.js';
import { subjectOf, toDomainError } from './kube-errors.js';
import { fromKubeMeta, kubeNameOf, toKubeMeta, type KubeObject } from './kube-object-mapping.js';

/** Where a CRD is served and how a Mortise object's top-level fields sit in its custom resources. */
export interface CustomResourceShape {
  group: string;
  version: string;
  plural: string;
  kind: string;
  /** Separates kinds that share the CRD. */
  namePrefix: (ref: ObjectRef) => string;
  /** Labels that mark the Mortise kind in a shared CRD. */
  kindLabels: (ref: Pick<ObjectRef, 'group' | 'kind'>) => Record<string, string>;
  kindSelector: readonly string[];
  /** Everything but apiVersion, kind and metadata. */
  toBody: (object: Resource) => Record<string, unknown>;
  fromBody: (kube: KubeObject) => Omit<Resource, 'metadata'>;
}

/**
 * Objects as custom resources. The API server keeps uid, resourceVersion,
 * generation, timestamps, finalizers and the status subresource, so the
 * store passes writes through and maps shapes and errors. CRDs are
 * generated with the status subresource, which is what makes a main update
 * ignore `status` and a status update ignore everything else.
 */
export class CustomResourceCollection implements KubeCollection {
  readonly path: string;
  readonly kindSelector: readonly string[];

  constructor(
    private readonly api: CustomObjectsApi,
    private readonly namespace: string,
    private readonly shape: CustomResourceShape,
  ) {
    this.path = `/apis/${shape.group}/${shape.version}/namespaces/${namespace}/${shape.plural}`;
    this.kindSelector = shape.kindSelector;
  }

  async get(ref: ObjectRef): Promise<Resource> {
    return this.decode(await this.read(ref));
  }

  async list(labelSelector: string, limit?: number, continueToken?: string): Promise<KubeListPage> {
    const list = (await this.call({ group: '', kind: this.shape.kind }, () =>
      this.api.listNamespacedCustomObject({
        ...this.target(),
        labelSelector,
        ...(limit ? { limit } : {}),
        ...(continueToken ? { _continue: continueToken } : {}),
      }),
    )) as unknown as {
      items: KubeObject[];
      metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number };
    };
    const page: KubeListPage = {
      items: list.items.map((item) => this.decode(item)),
      resourceVersion: list.metadata.resourceVersion,
    };
    if (list.metadata.continue) page.continue = list.metadata.continue;
    if (list.metadata.remainingItemCount !== undefined) page.remainingItemCount = list.metadata.remainingItemCount;
    return page;
  }

  async create(object: Resource): Promise<Resource> {
    const ref = refOf(object);
    const { resourceVersion: _ignored, ...metadata } = object.metadata;
    const body = this.encode({ ...object, metadata }, ref);
    const created = await this.call(subjectOf(ref), () =>
      this.api.createNamespacedCustomObject({ ...this.target(), body }),
    );
    // Creating a custom resource drops its status; a second write keeps the contract's "create stores status".
    if (object.status === undefined) return this.decode(created);
    return this.write(ref, { ...this.decode(created), status: object.status }, true);
  }

  async update(object: Resource, options: UpdateOptions): Promise<Resource> {
    const ref = refOf(object);
    const status = options.subresource === 'status';
    if (object.metadata.resourceVersion) return this.write(ref, object, status);
    // Custom resources need a version on PUT: an unconditional update takes the current one, again if overtaken.
    for (let attempt = 1; ; attempt++) {
      const current = await this.read(ref);
      const versioned = {
        ...object,
        metadata: { ...object.metadata, resourceVersion: current.metadata.resourceVersion },
      };
      try {
        return await this.write(ref, versioned, status);
      } catch (err) {
        if (!(err instanceof ConflictError) || attempt >= WRITE_ATTEMPTS) throw err;
      }
    }
  }

  async delete(ref: ObjectRef, resourceVersion?: string): Promise<Resource> {
    const deleted = await this.call(subjectOf(ref), () =>
      this.api.deleteNamespacedCustomObject({
        ...this.target(),
        name: kubeNameOf(ref, this.shape.namePrefix(ref)),
        ...(resourceVersion ? { body: { preconditions: { resourceVersion } } } : {}),
      }),
    );
    // The API server answers a custom resource delete with the object: marked when finalizers hold it, else its last state.
    return this.decode(deleted);
  }

  decode(kube: KubeObject): Resource {
    const metadata = fromKubeMeta(withStringTimestamps(kube.metadata));
    return { ...this.shape.fromBody(kube), metadata } as Resource;
  }

  private async write(ref: ObjectRef, object: Resource, status: boolean): Promise<Resource> {
    const request = {
      ...this.target(),
      name: kubeNameOf(ref, this.shape.namePrefix(ref)),
      body: this.encode(object, ref),
    };
    const written = await this.call(subjectOf(ref), () =>
      status ? this.api.replaceNamespacedCustomObjectStatus(request) : this.api.replaceNamespacedCustomObject(request),
    );
    return this.decode(written);
  }

  private async read(ref: ObjectRef): Promise<KubeObject> {
    return this.call(subjectOf(ref), () =>
      this.api.getNamespacedCustomObject({ ...this.target(), name: kubeNameOf(ref, this.shape.namePrefix(ref)) }),
    );
  }

  private encode(object: Resource, ref: ObjectRef): KubeObject {
    return {
      apiVersion: `${this.shape.group}/${this.shape.version}`,
      kind: this.shape.kind,
      metadata: {
        ...toKubeMeta(object, kubeNameOf(ref, this.shape.namePrefix(ref)), this.shape.kindLabels(ref)),
        namespace: this.namespace,
      },
      ...this.shape.toBody(object),
    };
  }

  private target() {
    return {
      group: this.shape.group,
      version: this.shape.version,
      namespace: this.namespace,
      plural: this.shape.plural,
    };
  }

  private async call(
    subject: Parameters<typeof toDomainError>[1],
    request: () => Promise<unknown>,
  ): Promise<KubeObject> {
    try {
      return (await request()) as KubeObject;
    } catch (err) {
      throw toDomainError(err, subject);
    }
  }
}
