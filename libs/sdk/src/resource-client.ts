import type { Resource, ResourceList } from '@mortise/api';
import type { ExtensionScope } from './extension-context.js';

export interface ResourceListOptions {
  scope?: ExtensionScope;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
}

/**
 * Reads and writes objects of the kinds the extension declares in
 * `extension.yaml`, and only those: any other kind is refused with
 * ForbiddenError. Objects are validated against the declared schema and
 * scoped like any kernel object. The client acts as the extension itself;
 * check the caller's permission with `ExtensionCaller.can` first where it
 * matters.
 */
export interface ResourceClient {
  get<T extends Resource = Resource>(kind: string, name: string, scope?: ExtensionScope): Promise<T>;
  list<T extends Resource = Resource>(kind: string, options?: ResourceListOptions): Promise<ResourceList<T>>;
  /** `apiVersion` may be omitted; the kind's own is filled in. */
  create<T extends Resource = Resource>(object: T): Promise<T>;
  /** Stale `metadata.resourceVersion` → ConflictError. */
  update<T extends Resource = Resource>(object: T): Promise<T>;
  /** Writes only `.status`. */
  updateStatus<T extends Resource = Resource>(object: T): Promise<T>;
  delete(kind: string, name: string, scope?: ExtensionScope): Promise<void>;
}
