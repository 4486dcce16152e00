import type { AggregationRoleTemplates, PolicyRule, Resource, RoleRef, Subject } from '@mortise/api';

/*
 * The RBAC objects authorization reads, as stored objects carrying the
 * top-level fields of the `iam.mortise.io/v1` kinds. Structural, so the
 * compiler works on whatever the store returns.
 */

export interface RoleObject extends Resource {
  rules?: PolicyRule[];
  aggregationRoleTemplates?: AggregationRoleTemplates;
}

export interface RoleTemplateObject extends Resource {
  rules: PolicyRule[];
}

export interface BindingObject extends Resource {
  roleRef: RoleRef;
  subjects?: Subject[];
}
