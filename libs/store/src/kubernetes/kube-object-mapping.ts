import { createHash } from 'node:crypto';
import { InvalidError, validateLabels, type ObjectMeta, type OwnerReference, type Resource } from '@mortise/api';
import { scopeOf, type ObjectRef } from '../resource-store.js';

/**
 * How Mortise objects sit in one Kubernetes namespace. Kubernetes has no
 * workspaces and its namespace is the kernel's, so Mortise scope travels as
 * labels (for selection) and one annotation (for an exact round trip):
 *
 * - `store.mortise.io/scope`, `store.mortise.io/project`,
 *   `store.mortise.io/workspace`, `store.mortise.io/name`: store-owned labels
 *   that lists, watches and field selectors select on;
 * - `mortise.io/workspace`, `mortise.io/project`: the same facts for
 *   operators (`kubectl get -l`), added unless the object sets them itself;
 * - `store.mortise.io/meta`: the Mortise name, namespace, workspace and
 *   ownerReferences, and which labels the store added. ownerReferences stay
 *   out of the native field: they name Mortise objects, and the Kubernetes
 *   garbage collector would delete dependents whose owner it cannot find.
 *
 * Kubernetes names: `<name>` for global objects, `<scope>.<name>` for
 * scoped ones (scopes are DNS labels, so the first dot splits them), with a
 * per-kind prefix in shared collections (the generic CRD, Secrets). Names
 * too long for 253 characters keep a prefix and end in a hash.
 */
export const STORE_LABEL = {
  scope: 'store.mortise.io/scope',
  project: 'store.mortise.io/project',
  workspace: 'store.mortise.io/workspace',
  name: 'store.mortise.io/name',
  group: 'store.mortise.io/group',
  kind: 'store.mortise.io/kind',
} as const;
export const OPERATOR_LABEL = { workspace: 'mortise.io/workspace', project: 'mortise.io/project' } as const;
export const META_ANNOTATION = 'store.mortise.io/meta';
const STORE_PREFIX = 'store.mortise.io/';
const MAX_NAME = 253;

export interface KubeMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: KubeMeta;
  [field: string]: unknown;
}

interface StoredMeta {
  name: string;
  namespace?: string;
  workspace?: string;
  ownerReferences?: OwnerReference[];
  addedLabels?: string[];
}

/** The Kubernetes name of an object; `prefix` separates kinds that share one collection. */
export function kubeNameOf(ref: Pick<ObjectRef, 'scope' | 'name'>, prefix = ''): string {
  const head = `${prefix}${ref.scope === undefined ? '' : `${ref.scope}.`}`;
  const full = head + ref.name;
  if (full.length <= MAX_NAME) return full;
  const hash = createHash('sha256').update(ref.name).digest('hex').slice(0, 16);
  return `${head}${ref.name.slice(0, MAX_NAME - head.length - hash.length - 1).replace(/[.-]+$/, '')}-${hash}`;
}

/** A label value standing for a name: the name itself when it is a valid label value, else a hash. */
export function nameLabelValue(name: string): string {
  if (name.length <= 63 && /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(name)) return name;
  return `sha256-${createHash('sha256').update(name).digest('hex').slice(0, 48)}`;
}

/** Kubernetes metadata for a Mortise object: server-owned fields are left to the server. */
export function toKubeMeta(object: Resource, kubeName: string, extraLabels: Record<string, string> = {}): KubeMeta {
  const meta = object.metadata;
  const userLabels = meta.labels ?? {};
  const reserved = [...Object.keys(userLabels), ...Object.keys(meta.annotations ?? {})].filter((k) =>
    k.startsWith(STORE_PREFIX),
  );
  if (reserved.length > 0) {
    throw new InvalidError(`labels and annotations under "${STORE_PREFIX}" are reserved for the store`, {
      name: meta.name,
      kind: object.kind,
      causes: reserved.map((key) => ({
        reason: 'FieldValueInvalid',
        field: `metadata.labels[${key}]`,
        message: 'reserved key',
      })),
    });
  }
  const storeLabels: Record<string, string> = { ...extraLabels, [STORE_LABEL.name]: nameLabelValue(meta.name) };
  const scope = scopeOf(object);
  if (scope !== undefined) storeLabels[STORE_LABEL.scope] = scope;
  if (meta.namespace) storeLabels[STORE_LABEL.project] = meta.namespace;
  if (meta.workspace) storeLabels[STORE_LABEL.workspace] = meta.workspace;
  const added: string[] = [];
  const operatorLabels: Record<string, string> = {};
  for (const [field, key] of [
    ['workspace', OPERATOR_LABEL.workspace],
    ['project', OPERATOR_LABEL.project],
  ] as const) {
    const value = field === 'workspace' ? meta.workspace : meta.namespace;
    if (value && userLabels[key] === undefined) {
      operatorLabels[key] = value;
      added.push(key);
    }
  }
  const labels = { ...userLabels, ...operatorLabels, ...storeLabels };
  const causes = validateLabels({ ...storeLabels, ...operatorLabels });
  if (causes.length > 0) {
    throw new InvalidError(`${object.kind} "${meta.name}": its scope cannot be stored as Kubernetes labels`, {
      name: meta.name,
      kind: object.kind,
      causes,
    });
  }
  const stored: StoredMeta = { name: meta.name };
  if (meta.namespace) stored.namespace = meta.namespace;
  if (meta.workspace) stored.workspace = meta.workspace;
  if (meta.ownerReferences?.length) stored.ownerReferences = meta.ownerReferences;
  if (added.length > 0) stored.addedLabels = added;
  const kube: KubeMeta = {
    name: kubeName,
    labels,
    annotations: { ...(meta.annotations ?? {}), [META_ANNOTATION]: JSON.stringify(stored) },
  };
  if (meta.resourceVersion) kube.resourceVersion = meta.resourceVersion;
  if (meta.finalizers?.length) kube.finalizers = [...meta.finalizers];
  return kube;
}

/** Mortise metadata from Kubernetes metadata; `generation` comes from the caller when the server does not keep it. */
export function fromKubeMeta(kube: KubeMeta): Resource['metadata'] {
  const annotations = { ...(kube.annotations ?? {}) };
  const stored = JSON.parse(annotations[META_ANNOTATION] ?? '{}') as Partial<StoredMeta>;
  delete annotations[META_ANNOTATION];
  const labels = Object.fromEntries(
    Object.entries(kube.labels ?? {}).filter(
      ([key]) => !key.startsWith(STORE_PREFIX) && !(stored.addedLabels ?? []).includes(key),
    ),
  );
  const meta: ObjectMeta & { name: string } = { name: stored.name ?? kube.name };
  if (stored.namespace) meta.namespace = stored.namespace;
  if (stored.workspace) meta.workspace = stored.workspace;
  if (Object.keys(labels).length > 0) meta.labels = labels;
  if (Object.keys(annotations).length > 0) meta.annotations = annotations;
  if (kube.uid) meta.uid = kube.uid;
  if (kube.resourceVersion) meta.resourceVersion = kube.resourceVersion;
  if (kube.generation !== undefined) meta.generation = kube.generation;
  if (kube.creationTimestamp) meta.creationTimestamp = kube.creationTimestamp;
  if (kube.deletionTimestamp) meta.deletionTimestamp = kube.deletionTimestamp;
  if (kube.finalizers?.length) meta.finalizers = [...kube.finalizers];
  if (stored.ownerReferences?.length) meta.ownerReferences = stored.ownerReferences;
  return meta;
}
