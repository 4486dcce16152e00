import { resourceCheck } from './access-check.js';
import { ForbiddenError, type Caller, IAM_GROUP, type PolicyRule } from '@mortise/api';
import { ROLE_PLURALS, type GrantScope, type RoleKindName } from './rbac-kinds.js';
import type { RbacAuthorizer } from './rbac-authorizer.js';

function describeRule(rule: PolicyRule): string {
  if (rule.nonResourceURLs) return `${rule.verbs.join(',')} ${rule.nonResourceURLs.join(',')}`;
  const names = rule.resourceNames ? ` named ${rule.resourceNames.join(',')}` : '';
  return `${rule.verbs.join(',')} ${(rule.resources ?? []).join(',')} in API group "${(rule.apiGroups ?? []).join(',')}"${names}`;
}

function describeScope(scope: GrantScope): string {
  switch (scope.level) {
    case 'global':
      return 'at the platform scope';
    case 'workspace':
      return `in workspace "${scope.workspace}"`;
    case 'project':
      return `in project "${scope.project}"`;
    default: {
      const unreachable: never = scope;
      return unreachable;
    }
  }
}

/**
 * Nobody hands out rights they do not hold. Creating or changing a role
 * needs every one of its rules (or `escalate` on that role); binding a role
 * needs every rule of the role (or `bind` on it). Checked at the scope the
 * role or binding applies to.
 */
export class EscalationGuard {
  constructor(private readonly authz: RbacAuthorizer) {}

  /** For a role being created or updated. */
  assertMayDefine(
    caller: Caller,
    kind: RoleKindName,
    name: string,
    rules: readonly PolicyRule[],
    scope: GrantScope,
  ): void {
    this.assertHolds(caller, 'escalate', kind, name, rules, scope, `define ${kind} "${name}"`);
  }

  /** For a binding (or a membership) granting the role `roleName` of kind `kind`. */
  assertMayBind(
    caller: Caller,
    kind: RoleKindName,
    roleName: string,
    rules: readonly PolicyRule[],
    scope: GrantScope,
  ): void {
    this.assertHolds(caller, 'bind', kind, roleName, rules, scope, `grant ${kind} "${roleName}"`);
  }

  private assertHolds(
    caller: Caller,
    verb: 'bind' | 'escalate',
    kind: RoleKindName,
    name: string,
    rules: readonly PolicyRule[],
    scope: GrantScope,
    what: string,
  ): void {
    const principal = this.authz.principalOf(caller);
    const missing = this.authz.uncoveredRules(principal, rules, scope);
    if (missing.length === 0) return;
    const override = this.authz.decide(
      principal,
      resourceCheck(verb, {
        apiGroup: IAM_GROUP,
        resource: ROLE_PLURALS[kind],
        name,
        workspace: scope.level === 'global' ? '' : scope.workspace,
        project: scope.level === 'project' ? scope.project : '',
      }),
    );
    if (override.allowed && !override.filtered) return;
    const shown = missing.slice(0, 3).map(describeRule).join('; ');
    const more = missing.length > 3 ? ` and ${missing.length - 3} more` : '';
    throw new ForbiddenError(
      `user "${caller.user.username}" cannot ${what} ${describeScope(scope)}: it grants rights the user does not hold (${shown}${more}); that needs "${verb}" on ${ROLE_PLURALS[kind]}`,
      { group: IAM_GROUP, kind, name },
    );
  }
}
