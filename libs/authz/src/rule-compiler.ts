import { type PolicyRule } from '@mortise/api';
import { createMongoAbility, type MongoAbility, type RawRuleOf } from '@casl/ability';
import { ANY_SUBJECT, NON_RESOURCE_TYPE, actionOf, resourceSubject, type AccessSubject } from './access-subject.js';
import { conditionsMatcher, indexInArray } from './fast-in.matcher.js';
import type { GrantScope } from './rbac-kinds.js';

/** Names one role or binding, for "which role allowed this". */
export interface ObjectTrace {
  kind: string;
  name: string;
  workspace?: string;
  project?: string;
}

/** One binding's contribution: the effective rules of its role at the binding's scope. */
export interface Grant {
  rules: readonly PolicyRule[];
  scope: GrantScope;
  role: ObjectTrace;
  binding: ObjectTrace;
}

export type Ability = MongoAbility<[string, AccessSubject | string]>;
type RawRule = RawRuleOf<Ability>;

/** Grants with identical rules at the same scope level, merged into one condition over their scopes. */
interface GrantGroup {
  level: GrantScope['level'];
  rules: readonly PolicyRule[];
  /** Scope value (workspace or project name; '' for global) → the first grant there. */
  traces: Map<string, Grant>;
}

/**
 * Resource names equal to this are replaced by the user's own name, so one
 * rule in the self-service role says "your own User", "your own API keys".
 */
export const SELF_RESOURCE_NAME = '@me';

export interface CompiledAbility {
  ability: Ability;
  /** The grant a matched rule came from, for the subject it matched. */
  traceOf(rule: RawRule, subject: AccessSubject): Grant | undefined;
  /**
   * Whether a rule could match some object at the subject's scope, whatever
   * its name: a workspace grant reaches its workspace, a project grant its
   * project and that project's workspace listing.
   */
  reachesScope(rule: RawRule, subject: AccessSubject, scopedObjects?: boolean): boolean;
}

const fingerprints = new WeakMap<readonly PolicyRule[], string>();

/** The rules' content as a key; the index hands out one array per role, so each is serialized once. */
function fingerprintOf(rules: readonly PolicyRule[]): string {
  let fingerprint = fingerprints.get(rules);
  if (fingerprint === undefined) {
    fingerprint = JSON.stringify(rules);
    fingerprints.set(rules, fingerprint);
  }
  return fingerprint;
}

function groupGrants(grants: readonly Grant[]): GrantGroup[] {
  const groups = new Map<string, GrantGroup>();
  for (const grant of grants) {
    const key = `${grant.scope.level}\n${fingerprintOf(grant.rules)}`;
    let group = groups.get(key);
    if (!group) {
      group = { level: grant.scope.level, rules: grant.rules, traces: new Map() };
      groups.set(key, group);
    }
    const value =
      grant.scope.level === 'workspace'
        ? grant.scope.workspace
        : grant.scope.level === 'project'
          ? grant.scope.project
          : '';
    if (!group.traces.has(value)) group.traces.set(value, grant);
  }
  return [...groups.values()];
}

function scopeCondition(group: GrantGroup): Record<string, unknown> {
  const values = [...group.traces.keys()];
  switch (group.level) {
    case 'global':
      return {};
    case 'workspace':
      return { workspace: { $in: indexInArray(values) } };
    case 'project':
      return { project: { $in: indexInArray(values) } };
    default: {
      const unreachable: never = group.level;
      return unreachable;
    }
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function actionsOf(verbs: readonly string[]): string | string[] {
  return verbs.includes('*') ? actionOf('*') : [...verbs];
}

function nonResourceRules(rule: PolicyRule, action: string | string[]): RawRule[] {
  const urls = rule.nonResourceURLs ?? [];
  if (urls.includes('*')) return [{ action, subject: NON_RESOURCE_TYPE }];
  const exact = urls.filter((u) => !u.endsWith('*'));
  const prefixes = urls.filter((u) => u.endsWith('*')).map((u) => u.slice(0, -1));
  const out: RawRule[] = [];
  if (exact.length > 0)
    out.push({ action, subject: NON_RESOURCE_TYPE, conditions: { path: { $in: indexInArray(exact) } } });
  for (const prefix of prefixes) {
    out.push({ action, subject: NON_RESOURCE_TYPE, conditions: { path: { $regex: `^${escapeRegExp(prefix)}` } } });
  }
  return out;
}

function resourceRules(
  rule: PolicyRule,
  action: string | string[],
  scope: Record<string, unknown>,
  username: string,
): RawRule[] {
  const groups = rule.apiGroups ?? [];
  if (groups.length === 0) return [];
  const base: Record<string, unknown> = { ...scope };
  if (!groups.includes('*')) base.apiGroup = { $in: indexInArray(groups) };
  const names = (rule.resourceNames ?? []).map((n) => (n === SELF_RESOURCE_NAME ? username : n));
  if (names.length > 0) base.name = { $in: indexInArray(names) };
  const out: RawRule[] = [];
  for (const entry of rule.resources ?? []) {
    const slash = entry.indexOf('/');
    const plural = slash < 0 ? entry : entry.slice(0, slash);
    const sub = slash < 0 ? undefined : entry.slice(slash + 1);
    const conditions = { ...base };
    // `*` alone covers every resource and subresource, like Kubernetes; `x` alone only the main resource.
    if (sub === undefined) {
      if (plural !== '*') conditions.subresource = '';
    } else if (sub === '*') conditions.subresource = { $ne: '' };
    else conditions.subresource = sub;
    const subject = plural === '*' ? ANY_SUBJECT : plural;
    out.push(Object.keys(conditions).length > 0 ? { action, subject, conditions } : { action, subject });
  }
  return out;
}

/**
 * Compiles a user's grants into one CASL ability. Grants whose roles carry
 * the same rules at the same level share one set of CASL rules with a
 * `workspace`/`project` `$in` condition, so the rule count (and a check's
 * cost) does not grow with the number of workspaces a user belongs to.
 * Non-resource rules count only in global grants, as in Kubernetes.
 */
export function compileGrants(grants: readonly Grant[], username: string): CompiledAbility {
  const rawRules: RawRule[] = [];
  const groupOf = new WeakMap<RawRule, GrantGroup>();
  for (const group of groupGrants(grants)) {
    const scope = scopeCondition(group);
    for (const rule of group.rules) {
      if (rule.verbs.length === 0) continue;
      const action = actionsOf(rule.verbs);
      const compiled =
        rule.nonResourceURLs && rule.nonResourceURLs.length > 0
          ? group.level === 'global'
            ? nonResourceRules(rule, action)
            : []
          : resourceRules(rule, action, scope, username);
      for (const raw of compiled) {
        groupOf.set(raw, group);
        rawRules.push(raw);
      }
    }
  }
  const ability = createMongoAbility<Ability>(rawRules, {
    conditionsMatcher,
    detectSubjectType: (subject) => subject.type,
  });
  // CASL indexes rules and compiles conditions lazily; do it now, so the first decision does not pay for it.
  const probe = resourceSubject({ resource: '' });
  for (const raw of rawRules) {
    for (const action of [raw.action].flat()) {
      for (const rule of ability.possibleRulesFor(action, raw.subject as string)) rule.matchesConditions(probe);
    }
  }
  return {
    ability,
    traceOf(rule, subject) {
      const group = groupOf.get(rule);
      if (!group) return undefined;
      switch (group.level) {
        case 'global':
          return group.traces.get('');
        case 'workspace':
          return group.traces.get(subject.workspace);
        case 'project':
          return group.traces.get(subject.project);
        default: {
          const unreachable: never = group.level;
          return unreachable;
        }
      }
    },
    reachesScope(rule, subject, scopedObjects = true) {
      const group = groupOf.get(rule);
      if (!group) return false;
      // Objects outside every workspace (users, global roles) are reached by global grants only.
      if (!scopedObjects) return group.level === 'global';
      switch (group.level) {
        case 'global':
          return true;
        case 'workspace':
          return subject.workspace === '' || group.traces.has(subject.workspace);
        case 'project':
          if (subject.project) return group.traces.has(subject.project);
          if (subject.workspace === '') return true;
          for (const grant of group.traces.values()) {
            if (grant.scope.level === 'project' && grant.scope.workspace === subject.workspace) return true;
          }
          return false;
        default: {
          const unreachable: never = group.level;
          return unreachable;
        }
      }
    },
  };
}
