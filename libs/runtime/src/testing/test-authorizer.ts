import type { Authorizer, Caller, Decision, PolicyRule, RequestInfo, RoleTemplate } from '@mortise/api';
import type { ResourceStore } from '@mortise/store';

/** A user of the in-memory kernel: what they are granted, directly or through the extension's RoleTemplates. */
export interface TestUser {
  groups?: string[];
  /** Names of RoleTemplates (as published from `extension.yaml`) the user holds everywhere. */
  roleTemplates?: string[];
  rules?: PolicyRule[];
}

function matches(values: readonly string[] | undefined, value: string): boolean {
  return values !== undefined && (values.includes('*') || values.includes(value));
}

function ruleAllows(rule: PolicyRule, info: RequestInfo): boolean {
  if (!matches(rule.verbs, info.verb)) return false;
  if (!info.isResourceRequest) {
    return (rule.nonResourceURLs ?? []).some((url) =>
      url.endsWith('*') ? info.path.startsWith(url.slice(0, -1)) : url === info.path,
    );
  }
  const resource = info.subresource ? `${info.resource}/${info.subresource}` : info.resource;
  return (
    matches(rule.apiGroups, info.apiGroup) &&
    matches(rule.resources, resource) &&
    (rule.resourceNames === undefined || rule.resourceNames.length === 0 || rule.resourceNames.includes(info.name))
  );
}

const ALLOWED: Decision = { allowed: true, reason: 'a rule of the test user allows it' };
const DENIED: Decision = { allowed: false, reason: 'no rule of the test user allows it' };

/**
 * The in-memory kernel's stand-in for the authorization stage: RBAC rules
 * matched without scopes (a grant holds in every workspace and project), so
 * author tests can say "alice holds announcements-manage" and nothing more.
 * It reads RoleTemplates from the store, as published by the runtime.
 */
export class TestAuthorizer implements Authorizer {
  constructor(
    private readonly users: Readonly<Record<string, TestUser>>,
    private readonly store: ResourceStore,
  ) {}

  authorize(caller: Caller, info: RequestInfo): Decision | Promise<Decision> {
    const user = this.users[caller.user.username];
    if (!user) return DENIED;
    // Direct rules answer without touching the store (the benchmark's user has only those).
    if ((user.rules ?? []).some((rule) => ruleAllows(rule, info))) return ALLOWED;
    if (!user.roleTemplates?.length) return DENIED;
    return this.authorizeByTemplates(user.roleTemplates, info);
  }

  private async authorizeByTemplates(names: readonly string[], info: RequestInfo): Promise<Decision> {
    for (const name of names) {
      const template = (await this.store
        .get({ group: 'iam.mortise.io', kind: 'RoleTemplate', name })
        .catch(() => undefined)) as RoleTemplate | undefined;
      if ((template?.rules ?? []).some((rule) => ruleAllows(rule, info))) return ALLOWED;
    }
    return DENIED;
  }
}
