import type { KindDefinition } from '@mortise/api';
import type { CustomResourceShape } from './custom-resource.collection.js';
import { STORE_LABEL, type KubeObject } from './kube-object-mapping.js';

/** The CRD that holds objects of kinds without their own CRD (kinds extensions declare). */
export const GENERIC_OBJECT_CRD = {
  group: 'store.mortise.io',
  version: 'v1',
  plural: 'objects',
  singular: 'object',
  kind: 'Object',
} as const;

/** A kernel kind in its own CRD: the object's fields are the custom resource's fields. */
export function ownCustomResourceShape(
  def: Pick<KindDefinition, 'group' | 'version' | 'plural' | 'kind'>,
): CustomResourceShape {
  return {
    group: def.group,
    version: def.version,
    plural: def.plural,
    kind: def.kind,
    namePrefix: () => '',
    kindLabels: () => ({}),
    kindSelector: [],
    toBody: ({ apiVersion: _a, kind: _k, metadata: _m, ...body }) => body,
    fromBody: ({ metadata: _m, ...rest }) => rest,
  };
}

/**
 * Any kind in the generic CRD: `spec` carries the object's apiVersion, kind
 * and fields, `status` its status, labels its group and kind. The CRD has
 * the status subresource, so generation and status behave as in a kind's
 * own CRD. `kind` absent: a shape that reads every kind (all-kinds watch).
 */
export function genericObjectShape(kind?: { group: string; kind: string }): CustomResourceShape {
  return {
    ...GENERIC_OBJECT_CRD,
    namePrefix: (ref) => genericNamePrefix(ref),
    kindLabels: (ref) => kindLabelsOf(ref),
    kindSelector: kind ? kindSelectorOf(kind) : [STORE_LABEL.kind],
    toBody: ({ apiVersion, kind: objectKind, metadata: _m, status, ...fields }) => ({
      spec: { apiVersion, kind: objectKind, fields },
      ...(status === undefined ? {} : { status }),
    }),
    fromBody: (kube: KubeObject) => {
      const spec = (kube.spec ?? {}) as { apiVersion?: string; kind?: string; fields?: Record<string, unknown> };
      return {
        apiVersion: spec.apiVersion ?? '',
        kind: spec.kind ?? '',
        ...(spec.fields ?? {}),
        ...(kube.status === undefined ? {} : { status: kube.status }),
      };
    },
  };
}

/** `widget.example.io.`: keeps kinds apart in a shared collection and readable in `kubectl get`. */
export function genericNamePrefix(ref: { group: string; kind: string }): string {
  return `${ref.kind.toLowerCase()}.${ref.group === '' ? 'core' : ref.group}.`;
}

export function kindLabelsOf(ref: { group: string; kind: string }): Record<string, string> {
  return { [STORE_LABEL.group]: ref.group === '' ? 'core' : ref.group, [STORE_LABEL.kind]: ref.kind };
}

export function kindSelectorOf(ref: { group: string; kind: string }): string[] {
  return Object.entries(kindLabelsOf(ref)).map(([key, value]) => `${key}=${value}`);
}
