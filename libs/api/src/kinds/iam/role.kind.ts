import { Type } from '@sinclair/typebox';
import { AggregationRoleTemplatesSchema, PolicyRuleSchema } from '../policy-rule.schema.js';
import { defineKernelKind, type ResourceOf, IAM_GROUP, ResourceSchema } from '../define-kind.js';
import type { KindScope } from '../../kind-definition.js';

/** Roles keep the Kubernetes RBAC shape: top-level `rules`, no spec or status. */
export const RoleSchema = ResourceSchema(
  {
    rules: Type.Optional(Type.Array(PolicyRuleSchema)),
    aggregationRoleTemplates: Type.Optional(AggregationRoleTemplatesSchema),
  },
  'A set of permissions, granted through a binding at the same scope.',
);

/** GlobalRole, WorkspaceRole and Role share one shape; only their scope differs. */
export type Role = ResourceOf<typeof RoleSchema>;
export type GlobalRole = Role;
export type WorkspaceRole = Role;

function roleKind(kind: string, plural: string, scope: KindScope) {
  return defineKernelKind({ group: IAM_GROUP, kind, plural, scope, schema: RoleSchema });
}

export const GlobalRoleKind = roleKind('GlobalRole', 'globalroles', 'global');
export const WorkspaceRoleKind = roleKind('WorkspaceRole', 'workspaceroles', 'workspace');
/** A role within one project (`namespace` scope). */
export const RoleKind = roleKind('Role', 'roles', 'namespace');

/**
 * A permission set extensions ship and roles aggregate. Rules are top-level
 * like a role's; the human-facing text is a small `spec` (not annotations) so
 * it is validated and typed. Labels `iam.mortise.io/aggregate-to-<role>` say
 * which built-in roles pick it up.
 */
export const RoleTemplateSchema = ResourceSchema({
  rules: Type.Array(PolicyRuleSchema),
  spec: Type.Optional(
    Type.Object({
      displayName: Type.Optional(Type.String()),
      description: Type.Optional(Type.String()),
      /** Grouping in the console's permission picker, e.g. `workspace-settings`. */
      category: Type.Optional(Type.String()),
      /** Names of RoleTemplates this one implies (the console ticks them too). */
      dependsOn: Type.Optional(Type.Array(Type.String())),
    }),
  ),
});

export type RoleTemplate = ResourceOf<typeof RoleTemplateSchema>;

export const RoleTemplateKind = defineKernelKind({
  group: IAM_GROUP,
  kind: 'RoleTemplate',
  plural: 'roletemplates',
  scope: 'global',
  schema: RoleTemplateSchema,
});

/** Label on a RoleTemplate that makes the named built-in role aggregate it. */
export function aggregateToLabel(role: string): string {
  return `iam.mortise.io/aggregate-to-${role}`;
}
