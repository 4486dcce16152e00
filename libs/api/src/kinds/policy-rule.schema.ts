import { Type, type Static } from '@sinclair/typebox';
import { LabelSelectorSchema } from './label-selector.schema.js';

/**
 * One RBAC rule. A resource rule names `apiGroups`, `resources` (optionally
 * `resource/subresource`) and `verbs`, optionally narrowed to
 * `resourceNames`; a non-resource rule names `nonResourceURLs` (a trailing
 * `*` is a prefix match) and `verbs`. `*` matches everything.
 */
export const PolicyRuleSchema = Type.Object({
  apiGroups: Type.Optional(Type.Array(Type.String())),
  resources: Type.Optional(Type.Array(Type.String())),
  verbs: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
  resourceNames: Type.Optional(Type.Array(Type.String())),
  nonResourceURLs: Type.Optional(Type.Array(Type.String())),
});

export type PolicyRule = Static<typeof PolicyRuleSchema>;

/**
 * Which RoleTemplates a role aggregates: by name, by label, or both. The
 * tenancy controller writes the union of their rules into the role's `rules`.
 */
export const AggregationRoleTemplatesSchema = Type.Object({
  templateNames: Type.Optional(Type.Array(Type.String())),
  roleSelector: Type.Optional(LabelSelectorSchema),
});

export type AggregationRoleTemplates = Static<typeof AggregationRoleTemplatesSchema>;
