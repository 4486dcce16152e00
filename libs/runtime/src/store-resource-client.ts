import { ForbiddenError, apiVersionOf, type KindDefinition, type Resource, type ResourceList } from '@mortise/api';
import type { ObjectRef, ResourceStore } from '@mortise/store';
import type { ExtensionScope, ResourceClient, ResourceListOptions } from '@mortise/sdk';

/** Checks a whole object against its kind (the kernel's validator); throws InvalidError. */
export type KindValidator = (object: Resource) => void;

/**
 * The `ResourceClient` of one extension: the store, limited to the kinds the
 * extension declares, validating writes like the generic REST does.
 */
export class StoreResourceClient implements ResourceClient {
  private readonly kinds: Map<string, KindDefinition>;

  constructor(
    private readonly extension: string,
    private readonly store: ResourceStore,
    kinds: readonly KindDefinition[],
    private readonly validatorFor: (def: KindDefinition) => KindValidator,
  ) {
    this.kinds = new Map(kinds.map((k) => [k.kind, k]));
  }

  async get<T extends Resource>(kind: string, name: string, scope?: ExtensionScope): Promise<T> {
    return (await this.store.get(this.ref(this.def(kind), name, scope))) as T;
  }

  async list<T extends Resource>(kind: string, options: ResourceListOptions = {}): Promise<ResourceList<T>> {
    const def = this.def(kind);
    const { scope, ...selection } = options;
    const partition = this.partition(def, scope);
    const list = await this.store.list(
      { group: def.group, kind: def.kind },
      { ...selection, ...(partition !== undefined ? { scope: partition } : {}) },
    );
    return {
      apiVersion: apiVersionOf(def),
      kind: `${def.kind}List`,
      metadata: list.metadata,
      items: list.items as T[],
    };
  }

  async create<T extends Resource>(object: T): Promise<T> {
    return (await this.store.create(this.prepare(object))) as T;
  }

  async update<T extends Resource>(object: T): Promise<T> {
    return (await this.store.update(this.prepare(object))) as T;
  }

  async updateStatus<T extends Resource>(object: T): Promise<T> {
    return (await this.store.update(this.prepare(object), { subresource: 'status' })) as T;
  }

  async delete(kind: string, name: string, scope?: ExtensionScope): Promise<void> {
    await this.store.delete(this.ref(this.def(kind), name, scope));
  }

  private def(kind: string): KindDefinition {
    const def = this.kinds.get(kind);
    if (!def) {
      throw new ForbiddenError(
        `extension "${this.extension}" may only use the kinds it declares in extension.yaml (${[...this.kinds.keys()].join(', ') || 'none'}); "${kind}" is not one`,
      );
    }
    return def;
  }

  private partition(def: KindDefinition, scope: ExtensionScope | undefined): string | undefined {
    if (def.scope === 'namespace') return scope?.project;
    if (def.scope === 'workspace') return scope?.workspace;
    return undefined;
  }

  private ref(def: KindDefinition, name: string, scope: ExtensionScope | undefined): ObjectRef {
    const partition = this.partition(def, scope);
    return { group: def.group, kind: def.kind, name, ...(partition !== undefined ? { scope: partition } : {}) };
  }

  private prepare<T extends Resource>(object: T): T {
    const def = this.def(object.kind);
    const prepared = { ...object, apiVersion: object.apiVersion ?? apiVersionOf(def) };
    this.validatorFor(def)(prepared);
    return prepared;
  }
}
