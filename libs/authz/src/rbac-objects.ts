import { IAM_GROUP, type AggregationRoleTemplates, type PolicyRule, type Subject } from '@mortise/api';
import { ROLE_KIND_FOR_BINDING, type BindingKindName, type GrantScope, type RoleKindName } from './rbac-kinds.js';
import type { BindingObject, RoleObject } from './rbac-types.js';

function scopeMetadata(scope: GrantScope): { namespace?: string; workspace?: string } {
  switch (scope.level) {
    case 'global':
      return {};
    case 'workspace':
      return { workspace: scope.workspace };
    case 'project':
      return { namespace: scope.project, workspace: scope.workspace };
    default: {
      const unreachable: never = scope;
      return unreachable;
    }
  }
}

/** A role object ready to store. */
export function roleObject(
  kind: RoleKindName,
  name: string,
  scope: GrantScope,
  rules: PolicyRule[],
  extra: { labels?: Record<string, string>; aggregationRoleTemplates?: AggregationRoleTemplates } = {},
): RoleObject {
  const role: RoleObject = {
    apiVersion: `${IAM_GROUP}/v1`,
    kind,
    metadata: { name, ...scopeMetadata(scope), ...(extra.labels ? { labels: extra.labels } : {}) },
    rules,
  };
  if (extra.aggregationRoleTemplates) role.aggregationRoleTemplates = extra.aggregationRoleTemplates;
  return role;
}

/** A binding object ready to store; its roleRef kind follows from the binding kind. */
export function bindingObject(
  kind: BindingKindName,
  name: string,
  scope: GrantScope,
  roleName: string,
  subjects: Subject[],
  labels?: Record<string, string>,
): BindingObject {
  return {
    apiVersion: `${IAM_GROUP}/v1`,
    kind,
    metadata: { name, ...scopeMetadata(scope), ...(labels ? { labels } : {}) },
    roleRef: { apiGroup: IAM_GROUP, kind: ROLE_KIND_FOR_BINDING[kind], name: roleName },
    subjects,
  };
}
