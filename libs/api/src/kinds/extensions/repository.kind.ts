import { Type } from '@sinclair/typebox';
import { Duration, Timestamp } from '../../schema-types.js';
import { ConditionsSchema } from '../condition.schema.js';
import { defineKernelKind, type ResourceOf, EXTENSIONS_GROUP, ResourceSchema } from '../define-kind.js';

export const SecretReferenceSchema = Type.Object({
  name: Type.String(),
  namespace: Type.Optional(Type.String()),
});

/** An extension repository the registry syncs into Extension and ExtensionVersion objects. */
export const RepositorySchema = ResourceSchema({
  spec: Type.Object({
    url: Type.String({ format: 'uri' }),
    /** How often to re-sync, e.g. `15m`; absent means only on demand. */
    pollInterval: Type.Optional(Duration()),
    /** How many most recent versions per extension to keep; absent keeps all. */
    depth: Type.Optional(Type.Integer({ minimum: 1 })),
    caBundle: Type.Optional(Type.String()),
    basicAuth: Type.Optional(Type.Object({ secretRef: SecretReferenceSchema })),
  }),
  status: Type.Optional(
    Type.Object({
      lastSyncTime: Type.Optional(Timestamp()),
      /** What the last successful sync read (index, signature, trust policy, ...): an unchanged repository is not re-applied. */
      indexDigest: Type.Optional(Type.String()),
      conditions: Type.Optional(ConditionsSchema),
    }),
  ),
});

export type Repository = ResourceOf<typeof RepositorySchema>;

export const RepositoryKind = defineKernelKind({
  group: EXTENSIONS_GROUP,
  kind: 'Repository',
  plural: 'repositories',
  scope: 'global',
  schema: RepositorySchema,
});
