import type { KubeObject, StructuralSchema } from './fake-kube-types.js';

/** The fields of ObjectMeta; the API server drops any other key under `metadata`. */
const OBJECT_META_FIELDS = new Set([
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
]);

/**
 * Drops what a real API server would not store: unknown `metadata` keys on
 * every object and, for custom resources, fields the structural schema does
 * not declare (unless `x-kubernetes-preserve-unknown-fields`). A CRD whose
 * schema forgets a field therefore loses data here as it would in a cluster.
 */
export function pruneObject(object: KubeObject, schema: StructuralSchema | undefined): KubeObject {
  const { apiVersion, kind, metadata, ...rest } = object;
  // Unknown keys are dropped, and empty maps and lists are omitted as the server's serialization does.
  const prunedMeta = Object.fromEntries(
    Object.entries(metadata ?? {}).filter(([key, value]) => OBJECT_META_FIELDS.has(key) && !isEmptyCollection(value)),
  );
  const body = schema ? (prune(rest, schema) as Record<string, unknown>) : rest;
  return { apiVersion, kind, metadata: prunedMeta, ...body };
}

function prune(value: unknown, schema: StructuralSchema): unknown {
  if (Array.isArray(value)) return schema.items ? value.map((item) => prune(item, schema.items!)) : value;
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(record)) {
    const propertySchema = schema.properties?.[key];
    if (propertySchema) result[key] = prune(child, propertySchema);
    else if (typeof schema.additionalProperties === 'object') result[key] = prune(child, schema.additionalProperties);
    else if (schema.additionalProperties === true || schema['x-kubernetes-preserve-unknown-fields'])
      result[key] = child;
  }
  return result;
}

function isEmptyCollection(value: unknown): boolean {
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && value !== null && Object.keys(value).length === 0;
}
