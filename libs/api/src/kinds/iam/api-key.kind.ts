import { Type, type Static } from '@sinclair/typebox';
import { Timestamp } from '../../schema-types.js';
import { ConditionsSchema } from '../condition.schema.js';
import { PolicyRuleSchema } from '../policy-rule.schema.js';
import { defineKernelKind, type ResourceOf, IAM_GROUP, ResourceSchema } from '../define-kind.js';

export const APIKeySpecSchema = Type.Object({
  /** Username the key acts as; defaults to the creator. */
  owner: Type.Optional(Type.String()),
  expiresAt: Type.Optional(Timestamp()),
  /** Narrows the key below its owner's permissions; absent means the owner's full permissions. */
  rules: Type.Optional(Type.Array(PolicyRuleSchema)),
  description: Type.Optional(Type.String()),
});

export const APIKeyStatusSchema = Type.Object({
  /** Public identifier of the key (the part before the secret in the token). */
  id: Type.Optional(Type.String()),
  lastUsedTime: Type.Optional(Timestamp()),
  /** The full key. Present only in the creation response; never stored in clear or shown again. */
  secret: Type.Optional(Type.String({ readOnly: true })),
  conditions: Type.Optional(ConditionsSchema),
});

export const APIKeySchema = ResourceSchema({ spec: APIKeySpecSchema, status: Type.Optional(APIKeyStatusSchema) });

export type APIKey = ResourceOf<typeof APIKeySchema>;
export type APIKeySpec = Static<typeof APIKeySpecSchema>;

export const APIKeyKind = defineKernelKind({
  group: IAM_GROUP,
  kind: 'APIKey',
  plural: 'apikeys',
  scope: 'global',
  schema: APIKeySchema,
});
