import { Type, type Static } from '@sinclair/typebox';
import { StringMap } from './schema-types.js';

/**
 * ObjectMeta in the Kubernetes structural-schema subset: no `$ref`, every
 * object property typed. Name syntax is checked by `validateObjectName`
 * (DNS-1123), not by a pattern here, so errors can say which rule failed.
 */
export const OwnerReferenceSchema = Type.Object({
  apiVersion: Type.String(),
  kind: Type.String(),
  name: Type.String(),
  uid: Type.String(),
  controller: Type.Optional(Type.Boolean()),
  blockOwnerDeletion: Type.Optional(Type.Boolean()),
});

export const ObjectMetaSchema = Type.Object({
  name: Type.Optional(Type.String({ maxLength: 253 })),
  generateName: Type.Optional(Type.String({ maxLength: 200 })),
  /** The project a project-scoped object lives in. */
  namespace: Type.Optional(Type.String()),
  /** The workspace a workspace- or project-scoped object lives in. */
  workspace: Type.Optional(Type.String()),
  labels: Type.Optional(StringMap()),
  annotations: Type.Optional(StringMap()),
  uid: Type.Optional(Type.String()),
  resourceVersion: Type.Optional(Type.String()),
  generation: Type.Optional(Type.Integer()),
  creationTimestamp: Type.Optional(Type.String()),
  deletionTimestamp: Type.Optional(Type.String()),
  finalizers: Type.Optional(Type.Array(Type.String())),
  ownerReferences: Type.Optional(Type.Array(OwnerReferenceSchema)),
});

export type ObjectMeta = Static<typeof ObjectMetaSchema>;
export type OwnerReference = Static<typeof OwnerReferenceSchema>;

/** Every stored object. `spec`/`status` or RBAC fields vary by kind. */
export interface Resource {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta & { name: string };
  [field: string]: unknown;
}

export interface ResourceList<T extends Resource = Resource> {
  apiVersion: string;
  kind: string;
  metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number };
  items: T[];
}
