import { type LabelSelector, type PolicyRule } from '@mortise/api';
import type { RoleObject, RoleTemplateObject } from './rbac-types.js';

/** Kubernetes LabelSelector semantics: every `matchLabels` pair and every expression must hold. */
export function labelSelectorMatches(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const actual = labels ?? {};
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (actual[key] !== value) return false;
  }
  for (const expr of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(actual, expr.key);
    const value = actual[expr.key];
    const values = expr.values ?? [];
    switch (expr.operator) {
      case 'In':
        if (!has || !values.includes(value ?? '')) return false;
        break;
      case 'NotIn':
        if (has && values.includes(value ?? '')) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default: {
        const unreachable: never = expr.operator;
        return unreachable;
      }
    }
  }
  // An empty selector selects nothing here: aggregating every template by accident would grant everything.
  return Object.keys(selector.matchLabels ?? {}).length > 0 || (selector.matchExpressions ?? []).length > 0;
}

/** Whether `role` aggregates `template`, by name or by label selector. */
export function aggregates(role: RoleObject, template: RoleTemplateObject): boolean {
  const aggregation = role.aggregationRoleTemplates;
  if (!aggregation) return false;
  if (aggregation.templateNames?.includes(template.metadata.name)) return true;
  return (
    aggregation.roleSelector !== undefined && labelSelectorMatches(aggregation.roleSelector, template.metadata.labels)
  );
}

/**
 * A role's effective rules: its own plus those of every RoleTemplate it
 * aggregates, without duplicates. Computed when abilities compile, so a
 * template change reaches every aggregating role with the next decision.
 */
export function aggregateRules(role: RoleObject, templates: Iterable<RoleTemplateObject>): PolicyRule[] {
  const seen = new Set<string>();
  const rules: PolicyRule[] = [];
  const add = (rule: PolicyRule) => {
    const key = JSON.stringify(rule);
    if (seen.has(key)) return;
    seen.add(key);
    rules.push(rule);
  };
  for (const rule of role.rules ?? []) add(rule);
  if (role.aggregationRoleTemplates) {
    for (const template of templates)
      if (aggregates(role, template)) for (const rule of template.rules ?? []) add(rule);
  }
  return rules;
}
