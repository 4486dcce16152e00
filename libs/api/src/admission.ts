import type { KindDefinition } from './kind-definition.js';
import type { Resource } from './object-meta.schema.js';
import type { Caller } from './request-context.js';

export type AdmissionOperation = 'create' | 'update' | 'delete';

/** One write the generic REST is about to make, as admission plugins see it. */
export interface AdmissionRequest {
  operation: AdmissionOperation;
  caller: Caller;
  kind: KindDefinition;
  /** create/update: the object about to be stored (plugins may change it); delete: the stored object. */
  object: Resource;
  /** update: the stored object before the change. */
  oldObject?: Resource;
  /** Query parameters of the request (e.g. `cascade=true` on a delete). */
  options: Readonly<Record<string, string>>;
}

/**
 * A step the generic REST passes, for rules a schema cannot say: stamping,
 * immutability, uniqueness across scopes, protection, escalation checks,
 * the side effects that follow a write, and per-object visibility that RBAC
 * cannot express (e.g. "only your own API keys"). `admit` throws a domain
 * error to refuse; `written` runs once the store accepted and may return
 * what the client receives instead (a secret shown once).
 */
export interface AdmissionPlugin {
  readonly name: string;
  /** Which kinds it looks at; absent means all. */
  handles?(kind: KindDefinition): boolean;
  admit?(request: AdmissionRequest): Promise<void> | void;
  written?(request: AdmissionRequest, stored: Resource): Promise<Resource | void> | Resource | void;
  /** A label selector ANDed into list, watch and deletecollection: what of this kind the caller may see. */
  listSelector?(caller: Caller, kind: KindDefinition): string | undefined;
  /** Before a stored object is read, replaced, patched or deleted: throw (NotFoundError to hide it) to refuse. */
  checkAccess?(caller: Caller, object: Resource): void;
}
