import { randomBytes, randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { validateLabels, validateObjectName } from '@mortise/api';
import { fieldMatcher, labelMatcher } from './fake-kube-selectors.js';
import type { Resource } from '@mortise/api';
import { applyPatch } from '../../json-patch.js';
import { decodeContinue, encodeContinue } from './fake-continue-token.js';
import { conflict, invalid, notFound, preconditionFailed, qualified } from './fake-kube-errors.js';
import { KubeStatusError, type KubeObject, type ResourceType } from './fake-kube-types.js';
import { pruneObject } from './schema-pruning.js';
import { validateLease } from './fake-lease-validation.js';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoredEvent {
  rv: number;
  key: string;
  type: EventType;
  object: KubeObject;
  /** The state before the change; absent for ADDED. */
  previous?: KubeObject;
}

export interface ListQuery {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
}

export interface KubeList {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface DeleteOptionsBody {
  preconditions?: { uid?: string; resourceVersion?: string };
}

const keyOf = (type: ResourceType, namespace: string, name: string) =>
  `${type.group}/${type.plural}/${namespace}/${name}`;
const prefixOf = (type: ResourceType, namespace: string) => `${type.group}/${type.plural}/${namespace}/`;
const clone = <T>(value: T): T => structuredClone(value);

/**
 * The storage half of the fake API server: etcd-like semantics with one
 * global, monotonic resourceVersion, a bounded history of changes (older
 * versions answer 410 Expired), consistent paginated lists at the first
 * page's version, and the object lifecycle of the generic registry
 * (generation, status subresource, finalizers and deletionTimestamp).
 */
export class FakeKubeState {
  private revision = 1000;
  private readonly objects = new Map<string, KubeObject>();
  private history: StoredEvent[] = [];
  /** Changes at or below this revision are no longer retained. */
  private compactedRevision = 1000;
  private readonly listeners = new Set<(event: StoredEvent) => void>();

  constructor(private readonly historyLimit = 10_000) {}

  get resourceVersion(): string {
    return String(this.revision);
  }

  /** Forgets all history, as etcd compaction does: older versions now answer 410. */
  compact(): void {
    this.history = [];
    this.compactedRevision = this.revision;
  }

  subscribe(listener: (event: StoredEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get(type: ResourceType, namespace: string, name: string): KubeObject {
    const object = this.objects.get(keyOf(type, namespace, name));
    if (!object) throw notFound(type, name);
    return clone(object);
  }

  list(type: ResourceType, namespace: string, query: ListQuery): KubeList {
    const matchLabels = labelMatcher(query.labelSelector);
    const matchFields = fieldMatcher(query.fieldSelector);
    let snapshotRevision = this.revision;
    let after = '';
    if (query.continue)
      ({ revision: snapshotRevision, after } = decodeContinue(query.continue, this.compactedRevision));
    const prefix = prefixOf(type, namespace);
    const all = [...this.snapshot(snapshotRevision)]
      .filter(([key]) => key.startsWith(prefix) && key.slice(prefix.length) > after)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, object]) => object)
      .filter((object) => matchLabels(object.metadata?.labels ?? {}) && matchFields(object));
    const limit = query.limit && query.limit > 0 ? query.limit : all.length;
    const items = all.slice(0, limit).map(clone);
    const result: KubeList = { items, resourceVersion: String(snapshotRevision) };
    if (all.length > limit) {
      result.continue = encodeContinue(snapshotRevision, items[items.length - 1].metadata!.name!);
      // The real server counts the rest only when no selector filters it.
      if (!query.labelSelector && !query.fieldSelector) result.remainingItemCount = all.length - limit;
    }
    return result;
  }

  /** Changes to one collection after `revision`, or 410 when they are no longer retained. */
  eventsSince(type: ResourceType, namespace: string, revision: number): StoredEvent[] {
    if (revision < this.compactedRevision) {
      throw new KubeStatusError(410, 'Expired', `too old resource version: ${revision} (${this.compactedRevision})`);
    }
    const prefix = prefixOf(type, namespace);
    return this.history.filter((e) => e.rv > revision && e.key.startsWith(prefix)).map(clone);
  }

  create(type: ResourceType, namespace: string, body: KubeObject): KubeObject {
    const object = pruneObject(clone(body), type.schema);
    const meta = (object.metadata ??= {});
    if (meta.namespace && meta.namespace !== namespace) {
      throw new KubeStatusError(
        400,
        'BadRequest',
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    if (meta.resourceVersion) {
      // etcd3 storage refuses this with a plain error, which the server answers as 500.
      throw new KubeStatusError(500, 'InternalError', 'resourceVersion should not be set on objects to be created');
    }
    if (!meta.name && meta.generateName) meta.name = meta.generateName + randomBytes(4).toString('hex').slice(0, 5);
    this.validate(type, object);
    const key = keyOf(type, namespace, meta.name!);
    if (this.objects.has(key)) {
      throw new KubeStatusError(409, 'AlreadyExists', `${qualified(type)} "${meta.name}" already exists`, {
        name: meta.name!,
        group: type.group,
        kind: type.plural,
      });
    }
    if (type.statusSubresource) delete object.status;
    Object.assign(meta, {
      namespace,
      uid: randomUUID(),
      creationTimestamp: now(),
      resourceVersion: undefined,
    });
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    if (type.custom) meta.generation = 1;
    else delete meta.generation;
    object.apiVersion = type.group ? `${type.group}/${type.version}` : type.version;
    object.kind = type.kind;
    return this.commit(key, 'ADDED', object);
  }

  /** PUT of the object or, with `status`, of its status subresource. */
  update(type: ResourceType, namespace: string, name: string, body: KubeObject, status = false): KubeObject {
    const key = keyOf(type, namespace, name);
    const current = this.objects.get(key);
    if (!current) throw notFound(type, name);
    const incoming = pruneObject(clone(body), type.schema);
    const meta = incoming.metadata ?? {};
    if (meta.name !== undefined && meta.name !== name) {
      throw new KubeStatusError(
        400,
        'BadRequest',
        `the name of the object (${meta.name}) does not match the name on the URL (${name})`,
      );
    }
    if (meta.resourceVersion === undefined || meta.resourceVersion === '') {
      if (type.custom) {
        throw invalid(type, name, 'metadata.resourceVersion', 'must be specified for an update');
      }
    } else if (meta.resourceVersion !== current.metadata!.resourceVersion) {
      throw conflict(type, name);
    }
    let next: KubeObject;
    if (status) {
      next = { ...clone(current), status: incoming.status };
      if (incoming.status === undefined) delete next.status;
    } else {
      next = incoming;
      if (type.statusSubresource) {
        if (current.status === undefined) delete next.status;
        else next.status = clone(current.status);
      }
    }
    return this.replace(type, key, current, next);
  }

  /** JSON merge patch (RFC 7386) of the object or its status. */
  mergePatch(type: ResourceType, namespace: string, name: string, patch: unknown, status = false): KubeObject {
    const key = keyOf(type, namespace, name);
    const current = this.objects.get(key);
    if (!current) throw notFound(type, name);
    const patched = mergePatch(current, patch);
    const precondition = (patch as KubeObject | null)?.metadata?.resourceVersion;
    patched.metadata = { ...patched.metadata, resourceVersion: precondition ?? current.metadata!.resourceVersion };
    return this.update(type, namespace, name, patched, status);
  }

  delete(type: ResourceType, namespace: string, name: string, options: DeleteOptionsBody = {}): KubeObject {
    const key = keyOf(type, namespace, name);
    const current = this.objects.get(key);
    if (!current) throw notFound(type, name);
    const { uid, resourceVersion } = options.preconditions ?? {};
    if (uid !== undefined && uid !== current.metadata!.uid) {
      throw preconditionFailed(type, name, 'UID', uid, current.metadata!.uid!);
    }
    if (resourceVersion !== undefined && resourceVersion !== current.metadata!.resourceVersion) {
      throw preconditionFailed(type, name, 'ResourceVersion', resourceVersion, current.metadata!.resourceVersion!);
    }
    if ((current.metadata!.finalizers ?? []).length > 0) {
      if (current.metadata!.deletionTimestamp) return clone(current);
      const next = clone(current);
      next.metadata!.deletionTimestamp = now();
      next.metadata!.deletionGracePeriodSeconds = 0;
      return this.commit(key, 'MODIFIED', next, current);
    }
    return this.commit(key, 'DELETED', clone(current), current);
  }

  private replace(type: ResourceType, key: string, current: KubeObject, next: KubeObject): KubeObject {
    const meta = (next.metadata ??= {});
    const old = current.metadata!;
    if (meta.uid !== undefined && meta.uid !== '' && meta.uid !== old.uid) {
      throw invalid(type, old.name!, 'metadata.uid', 'Invalid value: field is immutable');
    }
    // Server-owned fields cannot be changed by a client.
    meta.name = old.name!;
    meta.namespace = old.namespace!;
    meta.uid = old.uid!;
    meta.creationTimestamp = old.creationTimestamp!;
    meta.resourceVersion = old.resourceVersion!;
    if (old.deletionTimestamp) {
      meta.deletionTimestamp = old.deletionTimestamp;
      meta.deletionGracePeriodSeconds = old.deletionGracePeriodSeconds!;
      const added = (meta.finalizers ?? []).filter((f) => !(old.finalizers ?? []).includes(f));
      if (added.length > 0) {
        throw invalid(
          type,
          old.name!,
          'metadata.finalizers',
          'Forbidden: no new finalizers can be added if the object is being deleted',
        );
      }
    } else {
      delete meta.deletionTimestamp;
      delete meta.deletionGracePeriodSeconds;
    }
    if (type.custom) meta.generation = old.generation! + (specChanged(current, next, type.statusSubresource) ? 1 : 0);
    else delete meta.generation;
    next.apiVersion = current.apiVersion;
    next.kind = current.kind;
    this.validate(type, next);
    if (meta.deletionTimestamp && (meta.finalizers ?? []).length === 0)
      return this.commit(key, 'DELETED', next, current);
    // A write that changes nothing is not a new version.
    if (isDeepStrictEqual(normalize(next), normalize(current))) return clone(current);
    return this.commit(key, 'MODIFIED', next, current);
  }

  private validate(type: ResourceType, object: KubeObject): void {
    const meta = object.metadata ?? {};
    if (!meta.name) throw invalid(type, '', 'metadata.name', 'Required value: name or generateName is required');
    const causes = [...validateObjectName(meta.name, 'dns1123-subdomain'), ...validateLabels(meta.labels)];
    if (causes.length > 0) {
      throw new KubeStatusError(
        422,
        'Invalid',
        `${type.kind} "${meta.name}" is invalid: ${causes.map((c) => c.message).join(', ')}`,
        {
          name: meta.name,
          group: type.group,
          kind: type.kind,
          causes: causes.map((c) => ({ reason: c.reason, message: c.message, field: c.field })),
        },
      );
    }
    if (type.group === 'coordination.k8s.io' && type.kind === 'Lease') validateLease(type, object);
  }

  private commit(key: string, type: EventType, object: KubeObject, previous?: KubeObject): KubeObject {
    this.revision += 1;
    object.metadata!.resourceVersion = String(this.revision);
    if (type === 'DELETED') this.objects.delete(key);
    else this.objects.set(key, object);
    const event: StoredEvent = { rv: this.revision, key, type, object: clone(object) };
    if (previous) event.previous = clone(previous);
    this.history.push(event);
    if (this.history.length > this.historyLimit) {
      const dropped = this.history.splice(0, this.history.length - this.historyLimit);
      this.compactedRevision = dropped[dropped.length - 1].rv;
    }
    for (const listener of this.listeners) listener(event);
    return clone(object);
  }

  /** All objects as they were at `revision`, by undoing the later changes. */
  private snapshot(revision: number): Map<string, KubeObject> {
    const state = new Map(this.objects);
    for (let i = this.history.length - 1; i >= 0 && this.history[i].rv > revision; i--) {
      const event = this.history[i];
      if (event.previous) state.set(event.key, event.previous);
      else state.delete(event.key);
    }
    return state;
  }
}

function specChanged(a: KubeObject, b: KubeObject, statusSubresource: boolean): boolean {
  const strip = (o: KubeObject) => {
    const { metadata: _m, apiVersion: _a, kind: _k, ...rest } = o;
    if (statusSubresource) delete rest.status;
    return rest;
  };
  return !isDeepStrictEqual(strip(a), strip(b));
}

function normalize(object: KubeObject): unknown {
  return JSON.parse(JSON.stringify(object)) as unknown;
}

function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** RFC 7386 with the store's implementation; a patch that is not a JSON object is the server's 400. */
function mergePatch(current: KubeObject, patch: unknown): KubeObject {
  try {
    return applyPatch(current as Resource, { type: 'merge', patch: patch as Record<string, unknown> });
  } catch (err) {
    throw new KubeStatusError(400, 'BadRequest', (err as Error).message);
  }
}
