import { apiVersionOf, type KindDefinition } from './kind-definition.js';
import { toPlainSchema, walkSchema, type JsonSchema } from './plain-schema.js';

export interface CustomResourceDefinition {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string; labels: Record<string, string> };
  spec: {
    group: string;
    names: {
      kind: string;
      listKind: string;
      plural: string;
      singular: string;
      shortNames?: string[];
      categories: string[];
    };
    scope: 'Namespaced';
    versions: {
      name: string;
      served: boolean;
      storage: boolean;
      schema: { openAPIV3Schema: JsonSchema };
      subresources?: { status: Record<string, never> };
    }[];
  };
}

/** Label on generated CRDs, so the kernel (and operators) can find its own. */
export const CRD_MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';

/**
 * The CRD that stores a kind on the kubernetes backend. Every kind is
 * `Namespaced`: all Mortise objects live in the kernel's own namespace, and
 * workspace/project membership is carried as labels by the store. Write-only
 * fields (the User's `password`) are left out, so even a store bug cannot
 * persist them: the API server prunes them.
 */
export function toCustomResourceDefinition(def: KindDefinition): CustomResourceDefinition {
  const schema = crdSchema(def);
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${def.plural}.${def.group}`, labels: { [CRD_MANAGED_BY_LABEL]: 'mortise' } },
    spec: {
      group: def.group,
      names: {
        kind: def.kind,
        listKind: `${def.kind}List`,
        plural: def.plural,
        singular: def.singular,
        ...(def.shortNames?.length ? { shortNames: [...def.shortNames] } : {}),
        categories: ['mortise'],
      },
      scope: 'Namespaced',
      versions: [
        {
          name: def.version,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: schema },
          ...(def.statusSubresource ? { subresources: { status: {} } } : {}),
        },
      ],
    },
  };
}

/** The kind's schema as a CRD accepts it (see `checkStructural`). */
export function crdSchema(def: KindDefinition): JsonSchema {
  const schema = toPlainSchema(def.schema);
  // The API server owns ObjectMeta's schema; a CRD may only say it is an object.
  const properties = schema['properties'] as Record<string, JsonSchema>;
  properties['metadata'] = { type: 'object' };
  properties['apiVersion'] = { type: 'string', description: `Always "${apiVersionOf(def)}".` };
  properties['kind'] = { type: 'string', description: `Always "${def.kind}".` };
  // The API server fills type meta and metadata itself; requiring them only breaks tools.
  schema['required'] = (schema['required'] as string[]).filter((f) => !['apiVersion', 'kind', 'metadata'].includes(f));
  walkSchema(schema, (node) => {
    const props = node['properties'] as Record<string, JsonSchema> | undefined;
    for (const [name, child] of Object.entries(props ?? {})) {
      if (child['writeOnly'] === true) {
        delete props?.[name];
        node['required'] = (node['required'] as string[] | undefined)?.filter((r) => r !== name);
      }
    }
    delete node['readOnly'];
    const required = node['required'];
    if (required === undefined || (Array.isArray(required) && required.length === 0)) delete node['required'];
  });
  return schema;
}
