import { randomBytes, randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { ConflictError, type Resource } from '@mortise/api';
import type { ObjectRef, UpdateOptions } from './resource-store.js';

/**
 * The metadata rules every backend applies: what the store owns, when
 * `generation` moves, how finalizers hold a deletion. Pure functions over
 * plain objects; backends add storage and the resourceVersion.
 */

/** Fields the store owns or that identify the object; a client cannot change them by update. */
const IMMUTABLE_METADATA = [
  'name',
  'namespace',
  'workspace',
  'uid',
  'creationTimestamp',
  'deletionTimestamp',
  'generation',
  'generateName',
] as const;
/** Top-level fields that are not the desired state: everything else (spec, or RBAC `rules`…) moves `generation`. */
const NON_SPEC_FIELDS = new Set(['apiVersion', 'kind', 'metadata', 'status']);
const NAME_SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** The name a create with `generateName` tries: the prefix plus five random characters, as in Kubernetes. */
export function generatedName(prefix: string): string {
  const bytes = randomBytes(5);
  let suffix = '';
  for (const b of bytes) suffix += NAME_SUFFIX_ALPHABET[b % NAME_SUFFIX_ALPHABET.length];
  return `${prefix}${suffix}`;
}

/** The stored form of a new object. The caller checks identity and assigns `name` from `generateName` first. */
export function prepareCreate(object: Resource, resourceVersion: string, now: Date): Resource {
  const created = cloneJson(object);
  const { deletionTimestamp: _ignored, ...metadata } = created.metadata;
  created.metadata = {
    ...metadata,
    uid: randomUUID(),
    resourceVersion,
    generation: 1,
    creationTimestamp: timestamp(now),
  };
  return created;
}

/** Stale `resourceVersion` in a precondition → ConflictError; absent → no precondition. */
export function checkPrecondition(stored: Resource, expected: string | undefined, ref: ObjectRef): void {
  if (expected !== undefined && expected !== '' && expected !== stored.metadata.resourceVersion) {
    throw new ConflictError(
      `Operation cannot be fulfilled on ${ref.kind} "${ref.name}": the object has been modified; please apply your changes to the latest version and try again`,
      { name: ref.name, group: ref.group, kind: ref.kind },
    );
  }
}

/**
 * The next state for an update, without its new resourceVersion, or
 * `undefined` when nothing would change (no write, no event). Main updates
 * keep the stored status; status updates take only the status.
 */
export function prepareUpdate(stored: Resource, incoming: Resource, options: UpdateOptions = {}): Resource | undefined {
  let next: Resource;
  if (options.subresource === 'status') {
    next = cloneJson(stored);
    if (incoming.status === undefined) delete next.status;
    else next.status = cloneJson(incoming.status);
  } else {
    next = cloneJson(incoming);
    const metadata = next.metadata as Record<string, unknown>;
    for (const field of IMMUTABLE_METADATA) {
      if (stored.metadata[field] === undefined) delete metadata[field];
      else metadata[field] = cloneJson(stored.metadata[field]);
    }
    if (stored.status === undefined) delete next.status;
    else next.status = cloneJson(stored.status);
    if (specChanged(stored, next)) next.metadata.generation = (stored.metadata.generation ?? 0) + 1;
  }
  next.metadata.resourceVersion = stored.metadata.resourceVersion;
  if (next.metadata.finalizers?.length === 0) delete next.metadata.finalizers;
  return isDeepStrictEqual(withoutEmptyFinalizers(stored), next) ? undefined : next;
}

/** A deletion that finalizers hold back: the object stays, marked. `undefined` when already marked. */
export function prepareGracefulDelete(stored: Resource, now: Date): Resource | undefined {
  if (stored.metadata.deletionTimestamp) return undefined;
  const next = cloneJson(stored);
  next.metadata.deletionTimestamp = timestamp(now);
  return next;
}

/** Whether the object may leave the store now: it is not held by any finalizer. */
export function isReleasable(object: Resource): boolean {
  return !object.metadata.finalizers || object.metadata.finalizers.length === 0;
}

/** Whether an update completes a pending deletion: marked for deletion and no finalizer left. */
export function completesDeletion(object: Resource): boolean {
  return Boolean(object.metadata.deletionTimestamp) && isReleasable(object);
}

export function withResourceVersion(object: Resource, resourceVersion: string): Resource {
  return { ...object, metadata: { ...object.metadata, resourceVersion } };
}

function specChanged(before: Resource, after: Resource): boolean {
  const fields = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const field of fields) {
    if (!NON_SPEC_FIELDS.has(field) && !isDeepStrictEqual(before[field], after[field])) return true;
  }
  return false;
}

function withoutEmptyFinalizers(object: Resource): Resource {
  if (object.metadata.finalizers?.length !== 0) return object;
  const { finalizers: _empty, ...metadata } = object.metadata;
  return { ...object, metadata };
}

/** Objects are JSON documents: cloning through JSON drops `undefined` and keeps backends alike. */
export function cloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function timestamp(now: Date): string {
  // Kubernetes timestamps have second precision (RFC 3339 without fraction).
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
