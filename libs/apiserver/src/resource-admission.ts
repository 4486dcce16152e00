import type { Caller, Resource } from '@mortise/api';
import type { KindRef } from '@mortise/store';

/** What to do once a created object is stored; its result is what the client receives. */
export type AfterCreate = (stored: Resource) => Promise<Resource>;

/**
 * Per-kind hooks the generic REST calls around the store, for rules a schema
 * cannot state: write-only fields, uniqueness across objects, secrets made
 * on create, side effects of a change, and which objects a caller may see.
 * Every hook is optional and receives the caller first.
 */
export interface ResourceAdmission {
  /** Before a create is validated: may change the object or throw. May return what to do once it is stored. */
  admitCreate?(caller: Caller, object: Resource): Promise<AfterCreate | void> | AfterCreate | void;
  /**
   * Before an update or patch is validated (for a patch, the patched object):
   * may change it or throw. Synchronous, because it runs inside the store's
   * optimistic-concurrency retry.
   */
  admitUpdate?(caller: Caller, object: Resource, previous: Resource | undefined): void;
  afterUpdate?(caller: Caller, stored: Resource): Promise<void>;
  afterDelete?(caller: Caller, deleted: Resource): Promise<void>;
  /** A label selector ANDed into list, watch and deletecollection, limiting them to what the caller may see. */
  listSelector?(caller: Caller): string | undefined;
  /** Access to one object (get, update, patch, delete): throw NotFoundError to hide it. */
  checkAccess?(caller: Caller, object: Resource): void;
}

/** The admission hooks of each kind; at most one per kind, registered by the feature that owns its rules. */
export class ResourceAdmissionRegistry {
  private readonly byKind = new Map<string, ResourceAdmission>();

  register(kind: KindRef, admission: ResourceAdmission): () => void {
    const key = `${kind.group}/${kind.kind}`;
    if (this.byKind.has(key)) throw new Error(`admission for ${kind.kind} (${kind.group}) is already registered`);
    this.byKind.set(key, admission);
    return () => this.byKind.delete(key);
  }

  for(kind: KindRef): ResourceAdmission | undefined {
    return this.byKind.get(`${kind.group}/${kind.kind}`);
  }
}

/** ANDs two label selectors (Kubernetes selectors are comma-separated requirements). */
export function andLabelSelectors(a: string | undefined, b: string | undefined): string | undefined {
  if (!a) return b || undefined;
  if (!b) return a;
  return `${a},${b}`;
}
