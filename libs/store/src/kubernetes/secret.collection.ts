import type { CoreV1Api, V1Secret } from '@kubernetes/client-node';
import { ConflictError, type Resource } from '@mortise/api';
import { refOf } from '../object-key.js';
import { checkPrecondition, prepareUpdate } from '../object-lifecycle.js';
import type { ObjectRef, UpdateOptions } from '../resource-store.js';
import { genericNamePrefix, kindLabelsOf, kindSelectorOf } from './custom-resource-shapes.js';
import { WRITE_ATTEMPTS, withStringTimestamps, type KubeCollection, type KubeListPage } from './kube-collection.js';
import { subjectOf, toDomainError, type ErrorSubject } from './kube-errors.js';
import { STORE_LABEL, fromKubeMeta, kubeNameOf, toKubeMeta, type KubeObject } from './kube-object-mapping.js';

export const SECRET_TYPE = 'store.mortise.io/object';
const DATA_KEY = 'object';

/**
 * Internal kinds (signing keys, refresh tokens, password hashes) as
 * Secrets, so they get Secret RBAC and encryption at rest rather than living
 * in readable custom resources. Secrets have no generation or status
 * subresource: the store keeps both itself (in the payload) with the
 * shared lifecycle rules, and writes with the version it read.
 */
export class SecretCollection implements KubeCollection {
  readonly path: string;
  readonly kindSelector: readonly string[];

  /** `kind` absent: a collection that reads every internal kind (all-kinds watch). */
  constructor(
    private readonly api: CoreV1Api,
    private readonly namespace: string,
    kind?: { group: string; kind: string },
  ) {
    this.path = `/api/v1/namespaces/${namespace}/secrets`;
    this.kindSelector = kind ? kindSelectorOf(kind) : [STORE_LABEL.kind];
  }

  async get(ref: ObjectRef): Promise<Resource> {
    return this.decode(await this.read(ref));
  }

  async list(labelSelector: string, limit?: number, continueToken?: string): Promise<KubeListPage> {
    const list = await this.call({ group: '', kind: 'Secret' }, () =>
      this.api.listNamespacedSecret({
        namespace: this.namespace,
        labelSelector,
        ...(limit ? { limit } : {}),
        ...(continueToken ? { _continue: continueToken } : {}),
      }),
    );
    const page: KubeListPage = {
      items: list.items.map((item) => this.decode(item as unknown as KubeObject)),
      resourceVersion: list.metadata?.resourceVersion ?? '',
    };
    if (list.metadata?._continue) page.continue = list.metadata._continue;
    return page;
  }

  async create(object: Resource): Promise<Resource> {
    const ref = refOf(object);
    const { resourceVersion: _ignored, ...metadata } = object.metadata;
    const body = this.encode({ ...object, metadata: { ...metadata, generation: 1 } }, ref);
    const created = await this.call(subjectOf(ref), () =>
      this.api.createNamespacedSecret({ namespace: this.namespace, body }),
    );
    return this.decode(created as unknown as KubeObject);
  }

  async update(object: Resource, options: UpdateOptions): Promise<Resource> {
    const ref = refOf(object);
    for (let attempt = 1; ; attempt++) {
      const current = this.decode(await this.read(ref));
      checkPrecondition(current, object.metadata.resourceVersion, ref);
      const next = prepareUpdate(current, object, options);
      if (!next) return current;
      try {
        const body = this.encode(next, ref);
        const written = await this.call(subjectOf(ref), () =>
          this.api.replaceNamespacedSecret({ name: body.metadata!.name!, namespace: this.namespace, body }),
        );
        return this.decode(written as unknown as KubeObject);
      } catch (err) {
        // Overtaken between read and write: final when the caller named a version, else read again.
        if (!(err instanceof ConflictError) || object.metadata.resourceVersion || attempt >= WRITE_ATTEMPTS) throw err;
      }
    }
  }

  async delete(ref: ObjectRef, resourceVersion?: string): Promise<Resource> {
    for (let attempt = 1; ; attempt++) {
      // Secrets answer a delete with a Status, so the last state is read first and pinned by precondition.
      const current = this.decode(await this.read(ref));
      checkPrecondition(current, resourceVersion, ref);
      try {
        const answer = await this.call(subjectOf(ref), () =>
          this.api.deleteNamespacedSecret({
            name: kubeNameOf(ref, genericNamePrefix(ref)),
            namespace: this.namespace,
            body: { preconditions: { uid: current.metadata.uid!, resourceVersion: current.metadata.resourceVersion! } },
          }),
        );
        // Gone: a Status. Held by finalizers: the marked Secret, which the typed client reads as a Status, so read it back.
        return answer.kind === 'Status' ? current : this.get(ref);
      } catch (err) {
        if (!(err instanceof ConflictError) || resourceVersion || attempt >= WRITE_ATTEMPTS) throw err;
      }
    }
  }

  decode(kube: KubeObject): Resource {
    const data = (kube as V1Secret).data?.[DATA_KEY];
    const payload = JSON.parse(Buffer.from(data ?? 'e30=', 'base64').toString('utf8')) as Omit<Resource, 'metadata'> & {
      generation?: number;
    };
    const { generation, ...fields } = payload;
    const metadata = fromKubeMeta({
      ...withStringTimestamps(kube.metadata),
      ...(generation === undefined ? {} : { generation }),
    });
    return { ...fields, metadata } as Resource;
  }

  private encode(object: Resource, ref: ObjectRef): V1Secret {
    const { apiVersion, kind, metadata, ...fields } = object;
    const payload = { apiVersion, kind, generation: metadata.generation, ...fields };
    return {
      apiVersion: 'v1',
      kind: 'Secret',
      type: SECRET_TYPE,
      metadata: {
        ...toKubeMeta(object, kubeNameOf(ref, genericNamePrefix(ref)), kindLabelsOf(ref)),
        namespace: this.namespace,
      },
      data: { [DATA_KEY]: Buffer.from(JSON.stringify(payload)).toString('base64') },
    } as V1Secret;
  }

  private async read(ref: ObjectRef): Promise<KubeObject> {
    const secret = await this.call(subjectOf(ref), () =>
      this.api.readNamespacedSecret({ name: kubeNameOf(ref, genericNamePrefix(ref)), namespace: this.namespace }),
    );
    return secret as unknown as KubeObject;
  }

  private async call<T>(subject: ErrorSubject, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (err) {
      throw toDomainError(err, subject);
    }
  }
}
