import type { Resource, ResourceList } from '@mortise/api';

/**
 * Identifies a set of objects: one kind in one API group. The version is not
 * part of identity (one stored version per kind).
 */
export interface KindRef {
  group: string;
  kind: string;
}

/**
 * Identifies one object. `scope` is the partition the object lives in: the
 * project (`metadata.namespace`) for project-scoped kinds, the workspace
 * (`metadata.workspace`) for workspace-scoped kinds, absent for global kinds.
 * Use `scopeOf(object)` to derive it.
 */
export interface ObjectRef extends KindRef {
  scope?: string;
  name: string;
}

export interface ListOptions {
  /** Restrict to one scope partition; absent lists across all. */
  scope?: string;
  /** Kubernetes label selector: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`. */
  labelSelector?: string;
  /** `metadata.name`, `metadata.namespace` and `metadata.workspace` with `=`, `==`, `!=`. */
  fieldSelector?: string;
  /** Page size; 0 or absent means everything. */
  limit?: number;
  /**
   * Opaque token from a previous page's `metadata.continue`. Pages follow key
   * order; an object present during the whole paging appears exactly once.
   */
  continue?: string;
}

export interface WatchOptions {
  /** Absent: all kinds (used by caches that follow the store). */
  kind?: KindRef;
  scope?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /**
   * Absent or "0": start with a synthetic ADDED for every current object,
   * then follow changes. Otherwise: every change after this version, or
   * ExpiredError (410) when the version is older than the retained history.
   */
  resourceVersion?: string;
  /** Emit BOOKMARK events carrying the latest resourceVersion this often. */
  bookmarkIntervalMs?: number;
  /** Ends the watch; the iterator then returns. */
  signal?: AbortSignal;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

export interface WatchEvent {
  type: WatchEventType;
  /**
   * For BOOKMARK: only `kind` and `metadata.resourceVersion` are meaningful
   * (`apiVersion` is `<group>/v1`; the HTTP layer sets the served version).
   */
  object: Resource;
}

export interface UpdateOptions {
  /** `status`: write only `.status` (and keep spec); otherwise `.status` changes are ignored. */
  subresource?: 'status';
}

export type Patch = { type: 'merge'; patch: Record<string, unknown> } | { type: 'json'; patch: JsonPatchOperation[] };

export interface JsonPatchOperation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  from?: string;
  value?: unknown;
}

export interface PatchOptions extends UpdateOptions {
  /**
   * Checks the patched object before it is written (schema validation);
   * throw to refuse. Called again on each optimistic-concurrency retry.
   */
  validate?: (patched: Resource, previous: Resource) => void;
}

export interface DeleteOptions {
  /** Precondition: fail with Conflict unless the stored version matches. */
  resourceVersion?: string;
}

/**
 * The one storage contract. Every backend (memory, sqlite, kubernetes)
 * passes the same contract suite. Errors are domain errors from
 * `@mortise/api`: NotFoundError, AlreadyExistsError, ConflictError,
 * ExpiredError, InvalidError.
 *
 * The store owns object metadata: `uid`, `resourceVersion` (one global,
 * monotonically increasing counter, opaque to clients), `generation`
 * (bumped on spec change only), `creationTimestamp`, `deletionTimestamp`.
 */
export interface ResourceStore {
  get(ref: ObjectRef): Promise<Resource>;
  list(kind: KindRef, options?: ListOptions): Promise<ResourceList>;
  create(object: Resource): Promise<Resource>;
  /** Stale `metadata.resourceVersion` → ConflictError; absent → unconditional. */
  update(object: Resource, options?: UpdateOptions): Promise<Resource>;
  patch(ref: ObjectRef, patch: Patch, options?: PatchOptions): Promise<Resource>;
  /**
   * With finalizers, sets `deletionTimestamp` and returns the object; it is
   * removed once an update empties `finalizers`. Otherwise removes it and
   * returns the last state.
   */
  delete(ref: ObjectRef, options?: DeleteOptions): Promise<Resource>;
  /**
   * Errors (malformed selector → BadRequestError, version too old →
   * ExpiredError) surface on the first `next()`; a consumer that falls too
   * far behind also gets ExpiredError and should list again.
   */
  watch(options: WatchOptions): AsyncIterable<WatchEvent>;
  /** Cheap liveness probe for readiness checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The scope partition of an object: its project, else its workspace, else none. */
export function scopeOf(object: Pick<Resource, 'metadata'>): string | undefined {
  return object.metadata.namespace ?? object.metadata.workspace ?? undefined;
}
