import type { Resource } from '@mortise/api';
import type { ObjectRef, UpdateOptions } from '../resource-store.js';
import type { KubeMeta, KubeObject } from './kube-object-mapping.js';

export interface KubeListPage {
  items: Resource[];
  resourceVersion: string;
  continue?: string;
  /** The server's count of what later pages hold, when it knows it (no selector). */
  remainingItemCount?: number;
}

/**
 * One place Mortise objects live in the kernel's namespace: a kind's own
 * CRD, the generic CRD shared by extension kinds, or Secrets for internal
 * kinds. Collections hide how an object is shaped there and which side
 * (server or store) keeps `generation` and the status rules.
 */
export interface KubeCollection {
  /** API path of the collection (`/apis/{group}/{version}/namespaces/{ns}/{plural}`), for watches. */
  readonly path: string;
  /** Label requirements that pick this kind out of a shared collection; empty for a kind's own CRD. */
  readonly kindSelector: readonly string[];
  get(ref: ObjectRef): Promise<Resource>;
  list(labelSelector: string, limit?: number, continueToken?: string): Promise<KubeListPage>;
  create(object: Resource): Promise<Resource>;
  update(object: Resource, options: UpdateOptions): Promise<Resource>;
  delete(ref: ObjectRef, resourceVersion?: string): Promise<Resource>;
  /** A watched Kubernetes object as a Mortise object. */
  decode(kube: KubeObject): Resource;
}

/** Attempts for writes that must read the current version first and may be overtaken. */
export const WRITE_ATTEMPTS = 5;

/** Kubernetes timestamps arrive as strings on the wire and as Dates from typed clients; the store speaks strings. */
export function timestampOf(value: unknown): string | undefined {
  let text: string;
  if (value instanceof Date) text = value.toISOString();
  else if (typeof value === 'string') text = value;
  else return undefined;
  return text.replace(/\.\d+Z$/, 'Z');
}

/** Metadata with its timestamps as the store's strings. */
export function withStringTimestamps(meta: KubeMeta): KubeMeta {
  const result = { ...meta };
  for (const key of ['creationTimestamp', 'deletionTimestamp'] as const) {
    const text = timestampOf(meta[key]);
    if (text === undefined) delete result[key];
    else result[key] = text;
  }
  return result;
}
