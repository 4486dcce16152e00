import {
  AUTHENTICATED_GROUP,
  TENANT_GROUP,
  type KindScope,
  type Authorizer,
  type Caller,
  type Decision,
  type ObjectLocation,
  type PolicyRule,
  type RequestInfo,
} from '@mortise/api';
import { resourceCheck, type AccessCheck } from './access-check.js';
import { actionOf, nonResourceSubject, resourceSubject, type AccessSubject } from './access-subject.js';
import { type GrantScope } from './rbac-kinds.js';
import type { RbacIndex } from './rbac-index.js';
import { compileGrants, type CompiledAbility, type Grant, type ObjectTrace } from './rule-compiler.js';

/** Whom a decision is about: a user, their groups, and the API key they called with, if any. */
export interface Principal {
  username: string;
  groups: readonly string[];
  /** The API key used; its restricting rules are intersected with the owner's. */
  apiKeyId?: string;
}

/** A decision; `filtered` lists and watches are narrowed with `mayGet`. */
export type AuthzDecision = Decision;

interface AbilityEntry {
  owner: CompiledAbility;
  /** The API key's own rules, when it narrows its owner's rights. */
  restriction: CompiledAbility | undefined;
  decisions: Map<string, AuthzDecision>;
  /** The same decisions by RequestInfo object: the pipeline shares one per method and URL, so a hit needs no key. */
  byInfo: WeakMap<RequestInfo, AuthzDecision>;
}

const DENIED_REASON = 'no role bound to the user grants it';
const DEFAULT_DECISION_CACHE_SIZE = 4096;
const MAX_CACHED_PRINCIPALS = 10_000;

function traceOut(trace: ObjectTrace): NonNullable<Decision['role']> {
  return { ...trace };
}

function decisionKey(check: AccessCheck): string {
  return check.isResourceRequest
    ? `${check.verb}\0${check.apiGroup}\0${check.resource}\0${check.subresource}\0${check.name}\0${check.workspace}\0${check.project}`
    : `${check.verb}\0\0${check.path}`;
}

/**
 * The one authorization decision. Bindings reaching a principal compile into
 * a CASL ability (cached per principal); decisions are cached per (verb,
 * group, resource, name, scope) inside it. Any change the RbacIndex sees
 * drops every cached ability, so a revoked grant is refused on the next
 * request. Default deny: no rule, no access.
 */
export class RbacAuthorizer implements Authorizer {
  private readonly entries = new Map<string, AbilityEntry>();
  private byCaller = new WeakMap<Caller, AbilityEntry>();
  private readonly decisionCacheSize: number;

  private readonly kindScope: (apiGroup: string, resource: string) => KindScope | undefined;

  constructor(
    private readonly index: RbacIndex,
    options: {
      decisionCacheSize?: number;
      /** Where objects of a resource live; lets a platform-wide list of a global kind skip scoped grants. */
      kindScope?: (apiGroup: string, resource: string) => KindScope | undefined;
    } = {},
  ) {
    this.decisionCacheSize = options.decisionCacheSize ?? DEFAULT_DECISION_CACHE_SIZE;
    this.kindScope = options.kindScope ?? (() => undefined);
    index.onChange(() => this.invalidate());
  }

  /** Drops every compiled ability and cached decision. */
  invalidate(): void {
    this.entries.clear();
    this.byCaller = new WeakMap();
  }

  authorize(caller: Caller, info: RequestInfo): AuthzDecision {
    let entry = this.byCaller.get(caller);
    if (!entry) {
      entry = this.entryFor(this.principalOf(caller));
      this.byCaller.set(caller, entry);
    }
    let decision = entry.byInfo.get(info);
    if (decision === undefined) {
      decision = this.decideWith(entry, info);
      entry.byInfo.set(info, decision);
    }
    return decision;
  }

  /** The decision for any principal, e.g. in an access review about another user. */
  decide(principal: Principal, check: AccessCheck): AuthzDecision {
    return this.decideWith(this.entryFor(principal), check);
  }

  principalOf(caller: Caller): Principal {
    const principal: Principal = { username: caller.user.username, groups: caller.user.groups };
    if (caller.credential === 'apikey' && caller.credentialId) principal.apiKeyId = caller.credentialId;
    return principal;
  }

  /** A known user as the authorizer sees them: stored groups plus every logged-in user's group. */
  principalOfUser(username: string): Principal {
    return { username, groups: [...this.index.groupsOf(username), AUTHENTICATED_GROUP] };
  }

  /** Whether the caller may `get` one stored object; the list and watch filter. */
  mayGet(caller: Caller | Principal, apiGroup: string, resource: string, object: ObjectLocation): boolean {
    const p = 'user' in caller ? this.principalOf(caller) : caller;
    const workspace =
      object.metadata.workspace ?? (apiGroup === TENANT_GROUP && resource === 'workspaces' ? object.metadata.name : '');
    const project =
      object.metadata.namespace ?? (apiGroup === TENANT_GROUP && resource === 'projects' ? object.metadata.name : '');
    return this.decide(p, resourceCheck('get', { apiGroup, resource, name: object.metadata.name, workspace, project }))
      .allowed;
  }

  /**
   * The parts of `rules` the principal does not hold at `scope` (empty when
   * they hold all): nobody grants what they do not have.
   */
  uncoveredRules(principal: Principal, rules: readonly PolicyRule[], scope: GrantScope): PolicyRule[] {
    const entry = this.entryFor(principal);
    const workspace = scope.level === 'global' ? '' : scope.workspace;
    const project = scope.level === 'project' ? scope.project : '';
    const missing: PolicyRule[] = [];
    for (const rule of rules) {
      for (const verb of rule.verbs) {
        const action = actionOf(verb);
        if (rule.nonResourceURLs && rule.nonResourceURLs.length > 0) {
          for (const url of rule.nonResourceURLs) {
            if (!this.allows(entry, action, nonResourceSubject(url)))
              missing.push({ nonResourceURLs: [url], verbs: [verb] });
          }
          continue;
        }
        for (const apiGroup of rule.apiGroups ?? []) {
          for (const entryName of rule.resources ?? []) {
            const [resource = '', subresource = ''] = entryName.split('/', 2);
            const names = rule.resourceNames && rule.resourceNames.length > 0 ? rule.resourceNames : [''];
            for (const name of names) {
              const subject = resourceSubject({ apiGroup, resource, subresource, name, workspace, project });
              if (!this.allows(entry, action, subject)) {
                missing.push({
                  apiGroups: [apiGroup],
                  resources: [entryName],
                  verbs: [verb],
                  ...(name ? { resourceNames: [name] } : {}),
                });
              }
            }
          }
        }
      }
    }
    return missing;
  }

  private allows(entry: AbilityEntry, action: string, subject: AccessSubject): boolean {
    return (
      entry.owner.ability.can(action, subject) && (!entry.restriction || entry.restriction.ability.can(action, subject))
    );
  }

  private entryFor(principal: Principal): AbilityEntry {
    const key = `${principal.username}\n${principal.groups.join('\n')}\n${principal.apiKeyId ?? ''}`;
    let entry = this.entries.get(key);
    if (!entry) {
      entry = this.compile(principal);
      // Bounded: past the cap, start over rather than grow with every principal ever seen.
      if (this.entries.size >= MAX_CACHED_PRINCIPALS) this.entries.clear();
      this.entries.set(key, entry);
    }
    return entry;
  }

  private compile(principal: Principal): AbilityEntry {
    const groups = new Set([...principal.groups, ...this.index.groupsOf(principal.username)]);
    const grants = this.index.grantsFor(principal.username, [...groups]);
    const rules = principal.apiKeyId ? this.index.apiKeyRestriction(principal.apiKeyId) : undefined;
    const keyGrant: Grant | undefined = rules && {
      rules,
      scope: { level: 'global' },
      role: { kind: 'APIKey', name: principal.apiKeyId ?? '' },
      binding: { kind: 'APIKey', name: principal.apiKeyId ?? '' },
    };
    return {
      owner: compileGrants(grants, principal.username),
      restriction: keyGrant && compileGrants([keyGrant], principal.username),
      decisions: new Map(),
      byInfo: new WeakMap(),
    };
  }

  private decideWith(entry: AbilityEntry, check: AccessCheck): AuthzDecision {
    const key = decisionKey(check);
    const cached = entry.decisions.get(key);
    if (cached) return cached;
    const decision = this.evaluate(entry, check);
    if (entry.decisions.size >= this.decisionCacheSize) entry.decisions.clear();
    entry.decisions.set(key, decision);
    return decision;
  }

  private subjectOf(check: AccessCheck): AccessSubject {
    if (!check.isResourceRequest) return nonResourceSubject(check.path);
    let { workspace, project } = check;
    if (check.apiGroup === TENANT_GROUP && check.name && !check.subresource) {
      if (check.resource === 'projects') project = check.name;
      else if (check.resource === 'workspaces') workspace = check.name;
    }
    // A project's workspace comes from the Project itself, never from the URL, so no path can borrow another tenant's grants.
    if (project) workspace = this.index.workspaceOfProject(project) ?? workspace;
    return resourceSubject({ ...check, workspace, project });
  }

  private evaluate(entry: AbilityEntry, check: AccessCheck): AuthzDecision {
    const subject = this.subjectOf(check);
    const action = actionOf(check.verb);
    const rule = entry.owner.ability.relevantRuleFor(action, subject);
    if (rule && !rule.inverted) {
      if (entry.restriction && !entry.restriction.ability.can(action, subject)) {
        return {
          allowed: false,
          reason: 'the API key used does not include this permission',
          role: null,
          binding: null,
        };
      }
      const grant = entry.owner.traceOf(rule.origin, subject);
      return {
        allowed: true,
        reason: grant
          ? `allowed by ${grant.role.kind} "${grant.role.name}" through ${grant.binding.kind} "${grant.binding.name}"`
          : 'allowed',
        role: grant ? traceOut(grant.role) : null,
        binding: grant ? traceOut(grant.binding) : null,
      };
    }
    if (
      check.isResourceRequest &&
      (check.verb === 'list' || check.verb === 'watch') &&
      this.mayGetSome(entry, subject, this.holdsScopedObjects(check))
    ) {
      return {
        allowed: true,
        filtered: true,
        reason: `only the ${check.resource} the user may get are returned`,
        role: null,
        binding: null,
      };
    }
    return { allowed: false, reason: DENIED_REASON, role: null, binding: null };
  }

  /** Whether the listed objects can lie in a workspace or project, so scoped grants may see some. */
  private holdsScopedObjects(check: AccessCheck): boolean {
    if (check.apiGroup === TENANT_GROUP && (check.resource === 'workspaces' || check.resource === 'projects'))
      return true;
    return this.kindScope(check.apiGroup, check.resource) !== 'global';
  }

  /**
   * Whether some `get` rule for this resource reaches the listed scope, so a
   * filtered list can hold something. A list in another tenant's workspace
   * stays a denial.
   */
  private mayGetSome(entry: AbilityEntry, subject: AccessSubject, scopedObjects: boolean): boolean {
    const reaches = entry.owner.ability
      .rulesFor('get', subject.type)
      .some((rule) => !rule.inverted && entry.owner.reachesScope(rule.origin, subject, scopedObjects));
    const restricted = entry.restriction ? entry.restriction.ability.rulesFor('get', subject.type).length > 0 : true;
    return reaches && restricted;
  }
}
