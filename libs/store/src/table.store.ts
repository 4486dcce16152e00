import {
  AlreadyExistsError,
  BadRequestError,
  InvalidError,
  NotFoundError,
  type Resource,
  type ResourceList,
} from '@mortise/api';
import type { ChangeRecord } from './change-record.js';
import { decodeContinueToken, encodeContinueToken } from './continue-token.js';
import { checkIdentity, objectKey, refOf } from './object-key.js';
import {
  checkPrecondition,
  cloneJson,
  completesDeletion,
  generatedName,
  isReleasable,
  prepareCreate,
  prepareGracefulDelete,
  prepareUpdate,
  withResourceVersion,
} from './object-lifecycle.js';
import { compileSelection } from './object-selection.js';
import type { ObjectTable } from './object-table.js';
import { patchResource } from './patch-resource.js';
import type {
  DeleteOptions,
  KindRef,
  ListOptions,
  ObjectRef,
  Patch,
  PatchOptions,
  ResourceStore,
  UpdateOptions,
  WatchEvent,
  WatchOptions,
} from './resource-store.js';
import { observed, type StoreObserver } from './store-observer.js';
import { WatchHub, type WatchHistoryOptions } from './watch-hub.js';

export interface TableStoreOptions {
  /** Latency of each operation, for metrics. */
  observer?: StoreObserver;
  /** Watch history retention and per-watcher queue bound. */
  history?: WatchHistoryOptions;
  /** Clock for timestamps (tests). */
  now?: () => Date;
}

const GENERATE_NAME_ATTEMPTS = 8;

/**
 * The ResourceStore over a synchronous ObjectTable: every rule lives here
 * once, so the memory and sqlite backends differ only in where bytes go.
 * Each operation runs start to finish without yielding, which makes
 * check-then-write atomic within the process; the sqlite backend's lock keeps
 * other processes out.
 */
export class TableStore implements ResourceStore {
  protected readonly hub: WatchHub;
  private readonly observer: StoreObserver | undefined;
  private readonly now: () => Date;

  constructor(
    protected readonly table: ObjectTable,
    options: TableStoreOptions = {},
    history: ChangeRecord[] = [],
  ) {
    this.observer = options.observer;
    this.now = options.now ?? (() => new Date());
    this.hub = new WatchHub(table.resourceVersion, {
      ...options.history,
      ...(options.history?.now ? {} : { now: () => this.now().getTime() }),
    });
    this.hub.seed(history);
  }

  get(ref: ObjectRef): Promise<Resource> {
    return observed(this.observer, 'get', ref, () => cloneJson(this.stored(ref)));
  }

  list(kind: KindRef, options: ListOptions = {}): Promise<ResourceList> {
    return observed(this.observer, 'list', kind, () => {
      const matches = compileSelection(options);
      const limit = options.limit ?? 0;
      if (!Number.isInteger(limit) || limit < 0)
        throw new BadRequestError(`invalid limit ${limit}: use a non-negative integer`);
      const afterKey = options.continue ? decodeContinueToken(options.continue) : undefined;
      const items: Resource[] = [];
      let more = false;
      for (const object of this.table.scan(kind.group, kind.kind, { scope: options.scope, afterKey })) {
        if (!matches(object)) continue;
        if (limit > 0 && items.length === limit) {
          more = true;
          break;
        }
        items.push(cloneJson(object));
      }
      const last = items.at(-1);
      const list: ResourceList = {
        apiVersion: items[0]?.apiVersion ?? (kind.group ? `${kind.group}/v1` : 'v1'),
        kind: `${kind.kind}List`,
        metadata: { resourceVersion: String(this.table.resourceVersion) },
        items,
      };
      if (more && last) list.metadata.continue = encodeContinueToken(objectKey(refOf(last).scope, last.metadata.name));
      return list;
    });
  }

  create(object: Resource): Promise<Resource> {
    return observed(this.observer, 'create', refOrEmpty(object), () => {
      const ref = refOf(object);
      const prefix = object.metadata.generateName;
      if (!ref.name && prefix) return this.createGenerated(object, ref, prefix);
      checkIdentity(ref);
      if (this.table.get(ref.group, ref.kind, objectKey(ref.scope, ref.name))) throw alreadyExists(ref);
      return this.insert(object, ref);
    });
  }

  update(object: Resource, options: UpdateOptions = {}): Promise<Resource> {
    return observed(this.observer, options.subresource ? 'update-status' : 'update', refOrEmpty(object), () => {
      const ref = refOf(object);
      checkIdentity(ref);
      const stored = this.stored(ref);
      checkPrecondition(stored, object.metadata.resourceVersion, ref);
      const next = prepareUpdate(stored, object, options);
      if (!next) return cloneJson(stored);
      next.metadata.resourceVersion = String(this.table.resourceVersion + 1);
      if (completesDeletion(next)) return this.commit('DELETED', ref, next);
      return this.commit('MODIFIED', ref, next, stored);
    });
  }

  patch(ref: ObjectRef, patch: Patch, options: PatchOptions = {}): Promise<Resource> {
    return observed(this.observer, 'patch', ref, () => patchResource(this, ref, patch, options));
  }

  delete(ref: ObjectRef, options: DeleteOptions = {}): Promise<Resource> {
    return observed(this.observer, 'delete', ref, () => {
      const stored = this.stored(ref);
      checkPrecondition(stored, options.resourceVersion, ref);
      const version = String(this.table.resourceVersion + 1);
      if (isReleasable(stored)) return this.commit('DELETED', ref, withResourceVersion(stored, version));
      const marked = prepareGracefulDelete(stored, this.now());
      if (!marked) return cloneJson(stored);
      return this.commit('MODIFIED', ref, withResourceVersion(marked, version), stored);
    });
  }

  watch(options: WatchOptions): AsyncIterable<WatchEvent> {
    return this.hub.watch(options, () => [...this.table.all(options.kind)]);
  }

  async ping(): Promise<void> {
    this.table.ping();
  }

  async close(): Promise<void> {
    this.hub.closeAll();
    this.table.close();
  }

  /** Called after each commit; sqlite prunes its history table from here. */
  protected afterCommit(_record: ChangeRecord): void {}

  private stored(ref: ObjectRef): Resource {
    const found = this.table.get(ref.group, ref.kind, objectKey(ref.scope, ref.name));
    if (!found) {
      throw new NotFoundError(`${ref.kind} "${ref.name}" not found`, {
        name: ref.name,
        group: ref.group,
        kind: ref.kind,
      });
    }
    return found;
  }

  private createGenerated(object: Resource, ref: ObjectRef, prefix: string): Resource {
    for (let attempt = 0; attempt < GENERATE_NAME_ATTEMPTS; attempt++) {
      const named = { ...ref, name: generatedName(prefix) };
      checkIdentity(named);
      if (this.table.get(named.group, named.kind, objectKey(named.scope, named.name))) continue;
      return this.insert({ ...object, metadata: { ...object.metadata, name: named.name } }, named);
    }
    throw new AlreadyExistsError(`could not find a free name for generateName "${prefix}"; retry`, {
      group: ref.group,
      kind: ref.kind,
    });
  }

  private insert(object: Resource, ref: ObjectRef): Resource {
    const created = prepareCreate(object, String(this.table.resourceVersion + 1), this.now());
    if (created.metadata.finalizers?.length === 0) delete created.metadata.finalizers;
    return this.commit('ADDED', ref, created);
  }

  private commit(type: ChangeRecord['type'], ref: ObjectRef, object: Resource, previous?: Resource): Resource {
    const record: ChangeRecord = {
      type,
      resourceVersion: Number(object.metadata.resourceVersion),
      group: ref.group,
      kind: ref.kind,
      object,
      time: this.now().getTime(),
    };
    if (previous) record.previous = previous;
    this.table.commit(record, objectKey(ref.scope, ref.name));
    this.hub.publish(record);
    this.afterCommit(record);
    return cloneJson(object);
  }
}

function alreadyExists(ref: ObjectRef): AlreadyExistsError {
  return new AlreadyExistsError(`${ref.kind} "${ref.name}" already exists`, {
    name: ref.name,
    group: ref.group,
    kind: ref.kind,
  });
}

/** The kind label for metrics even when the object is malformed (the operation then fails with InvalidError). */
function refOrEmpty(object: Resource): KindRef {
  try {
    return refOf(object);
  } catch (error) {
    if (error instanceof InvalidError) return { group: '', kind: '' };
    throw error;
  }
}
