import type { Resource } from '@mortise/api';

/**
 * The RBAC shapes authorization reads. They mirror the kinds in
 * `iam.mortise.io/v1` structurally, so the compiler works on any object the
 * store returns without depending on schema details.
 */
export interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export interface AggregationRoleTemplates {
  templateNames?: string[];
  roleSelector?: LabelSelector;
}

export interface RoleObject extends Resource {
  rules?: PolicyRule[];
  aggregationRoleTemplates?: AggregationRoleTemplates;
}

export interface RoleTemplateObject extends Resource {
  rules: PolicyRule[];
}

export interface RoleRef {
  apiGroup?: string;
  kind: string;
  name: string;
}

export interface Subject {
  kind: 'User' | 'Group';
  name: string;
  apiGroup?: string;
}

export interface BindingObject extends Resource {
  roleRef: RoleRef;
  subjects?: Subject[];
}
