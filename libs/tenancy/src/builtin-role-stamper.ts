import { AlreadyExistsError, ConflictError, type Resource } from '@mortise/api';
import { type GrantScope, type RoleKindName } from '@mortise/authz';
import type { ResourceStore } from '@mortise/store';
import {
  GLOBAL_BUILTIN_ROLES,
  PROJECT_BUILTIN_ROLES,
  WORKSPACE_BUILTIN_ROLES,
  builtinRoleObject,
  type BuiltinRole,
} from './builtin-roles.js';

/**
 * Writes the built-in roles: the GlobalRoles at start, and the workspace
 * and project roles into each new workspace and project. Idempotent: an
 * existing built-in role gets the current base rules, keeping its labels.
 */
export class BuiltinRoleStamper {
  constructor(private readonly store: ResourceStore) {}

  async stampPlatform(): Promise<void> {
    await this.stamp('GlobalRole', GLOBAL_BUILTIN_ROLES, { level: 'global' });
  }

  async stampWorkspace(workspace: string): Promise<void> {
    await this.stamp('WorkspaceRole', WORKSPACE_BUILTIN_ROLES, { level: 'workspace', workspace });
  }

  async stampProject(project: string, workspace: string): Promise<void> {
    await this.stamp('Role', PROJECT_BUILTIN_ROLES, { level: 'project', project, workspace });
  }

  private async stamp(kind: RoleKindName, roles: readonly BuiltinRole[], scope: GrantScope): Promise<void> {
    for (const role of roles) await this.ensure(builtinRoleObject(kind, role, scope));
  }

  private async ensure(desired: Resource): Promise<void> {
    try {
      await this.store.create(desired);
      return;
    } catch (err) {
      if (!(err instanceof AlreadyExistsError)) throw err;
    }
    const scope = desired.metadata.namespace ?? desired.metadata.workspace;
    const ref = {
      group: 'iam.mortise.io',
      kind: desired.kind,
      name: desired.metadata.name,
      ...(scope ? { scope } : {}),
    };
    const current = await this.store.get(ref);
    if (JSON.stringify(current.rules) === JSON.stringify(desired.rules)) return;
    try {
      await this.store.update({
        ...current,
        rules: desired.rules,
        aggregationRoleTemplates: desired.aggregationRoleTemplates,
      });
    } catch (err) {
      // Someone else refreshed it meanwhile; theirs is as good as ours.
      if (!(err instanceof ConflictError)) throw err;
    }
  }
}
