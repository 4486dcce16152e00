import { GENERIC_OBJECT_CRD } from './custom-resource-shapes.js';

/**
 * The CRD for kinds without their own (kinds extensions declare): one
 * custom resource per object, `spec.apiVersion`/`spec.kind` naming the
 * Mortise kind, `spec.fields` its fields and `status` its status. Installed
 * once with the others from `deploy/crds`, so the kernel never needs rights
 * to create CRDs.
 */
export function genericObjectCustomResourceDefinition(): Record<string, unknown> {
  const { group, version, plural, singular, kind } = GENERIC_OBJECT_CRD;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { kind, listKind: `${kind}List`, plural, singular },
      versions: [
        {
          name: version,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [
            { name: 'Kind', type: 'string', jsonPath: '.spec.kind' },
            { name: 'API Version', type: 'string', jsonPath: '.spec.apiVersion' },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
          schema: {
            openAPIV3Schema: {
              type: 'object',
              description: 'A Mortise object of a kind that has no CRD of its own.',
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec: {
                  type: 'object',
                  required: ['apiVersion', 'kind'],
                  properties: {
                    apiVersion: { type: 'string', description: 'The Mortise apiVersion of the object.' },
                    kind: { type: 'string', description: 'The Mortise kind of the object.' },
                    fields: {
                      type: 'object',
                      description: "The object's fields other than apiVersion, kind, metadata and status.",
                      'x-kubernetes-preserve-unknown-fields': true,
                    },
                  },
                },
                status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
              },
            },
          },
        },
      ],
    },
  };
}
