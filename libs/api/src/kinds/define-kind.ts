import { Type, type Static, type TObject, type TProperties, type TSchema } from '@sinclair/typebox';
import type { KindDefinition } from '../kind-definition.js';
import { ObjectMetaSchema } from '../object-meta.schema.js';

/**
 * The whole object schema of a kind: type meta, metadata and the kind's own
 * top-level fields (`spec`/`status`, or RBAC fields). `apiVersion` and `kind`
 * are plain strings here because CRDs allow no `const`; the resource
 * validator checks their values against the kind.
 */
export function ResourceSchema<P extends TProperties>(fields: P, description?: string) {
  return Type.Object(
    {
      apiVersion: Type.String(),
      kind: Type.String(),
      metadata: ObjectMetaSchema,
      ...fields,
    },
    description === undefined ? {} : { description },
  );
}

type KindInput<S extends TObject> = Omit<KindDefinition<S>, 'version' | 'singular' | 'owner'> &
  Partial<Pick<KindDefinition<S>, 'version' | 'singular'>>;

/** A kernel kind with the defaults every kernel kind shares (`v1`, owned by the kernel). */
export function defineKernelKind<S extends TObject>(input: KindInput<S>): KindDefinition<S> {
  return Object.freeze({
    ...input,
    version: input.version ?? 'v1',
    singular: input.singular ?? input.kind.toLowerCase(),
    owner: { type: 'kernel' as const },
    statusSubresource: input.statusSubresource ?? 'status' in input.schema.properties,
  });
}

export const IAM_GROUP = 'iam.mortise.io';
export const TENANT_GROUP = 'tenant.mortise.io';
export const EXTENSIONS_GROUP = 'extensions.mortise.io';

/**
 * The TypeScript type of a stored object of a kind: the schema's type, with
 * `metadata.name` always set (the schema leaves it optional for
 * `generateName` on create).
 */
export type ResourceOf<S extends TSchema> = Static<S> & { metadata: { name: string } };
