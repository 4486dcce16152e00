/** Wire shapes the fake API server speaks; a small subset of the Kubernetes API types. */
import type { KubeMeta } from '../kube-object-mapping.js';

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: KubeObjectMeta;
  [field: string]: unknown;
}

/** ObjectMeta: what the store writes, plus what only the server sets. */
export interface KubeObjectMeta extends Partial<KubeMeta> {
  generateName?: string;
  deletionGracePeriodSeconds?: number;
  ownerReferences?: unknown[];
  managedFields?: unknown[];
}

/** The part of an OpenAPI v3 schema that pruning reads. */
export interface StructuralSchema {
  type?: string;
  properties?: Record<string, StructuralSchema>;
  additionalProperties?: StructuralSchema | boolean;
  items?: StructuralSchema;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  [keyword: string]: unknown;
}

export interface CustomResourceDefinition {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string };
  spec: {
    group: string;
    scope: 'Namespaced' | 'Cluster';
    names: { kind: string; plural: string; singular?: string; listKind?: string; shortNames?: string[] };
    versions: {
      name: string;
      served: boolean;
      storage: boolean;
      schema?: { openAPIV3Schema: StructuralSchema };
      subresources?: { status?: Record<string, never> };
    }[];
  };
}

/** How the server treats one resource type (`group/version/plural`). */
export interface ResourceType {
  group: string;
  version: string;
  plural: string;
  kind: string;
  /** Custom resources: PUT needs a resourceVersion, generation is tracked, DELETE returns the object. */
  custom: boolean;
  statusSubresource: boolean;
  /** Present for custom resources: unknown fields are pruned against it. */
  schema?: StructuralSchema;
}

export interface KubeStatus {
  apiVersion: 'v1';
  kind: 'Status';
  metadata: Record<string, unknown>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: { name?: string; group?: string; kind?: string; uid?: string; causes?: unknown[] };
  code: number;
}

/** A failure the server answers with a Status body. */
export class KubeStatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: KubeStatus['details'],
  ) {
    super(message);
  }

  toStatus(): KubeStatus {
    const status: KubeStatus = {
      apiVersion: 'v1',
      kind: 'Status',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    if (this.details) status.details = this.details;
    return status;
  }
}
