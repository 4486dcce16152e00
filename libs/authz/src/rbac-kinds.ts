/** Names authorization and tenancy agree on: kinds, plurals and labels. */

export type RoleKindName = 'GlobalRole' | 'WorkspaceRole' | 'Role';
export type BindingKindName = 'GlobalRoleBinding' | 'WorkspaceRoleBinding' | 'RoleBinding';

/** Where a role or binding applies: everywhere, one workspace (and its projects), or one project. */
export type GrantScope =
  | { level: 'global' }
  | { level: 'workspace'; workspace: string }
  | { level: 'project'; project: string; workspace: string };

export const ROLE_KIND_FOR_BINDING: Readonly<Record<BindingKindName, RoleKindName>> = {
  GlobalRoleBinding: 'GlobalRole',
  WorkspaceRoleBinding: 'WorkspaceRole',
  RoleBinding: 'Role',
};

export const ROLE_PLURALS: Readonly<Record<RoleKindName, string>> = {
  GlobalRole: 'globalroles',
  WorkspaceRole: 'workspaceroles',
  Role: 'roles',
};

export const BINDING_PLURALS: Readonly<Record<BindingKindName, string>> = {
  GlobalRoleBinding: 'globalrolebindings',
  WorkspaceRoleBinding: 'workspacerolebindings',
  RoleBinding: 'rolebindings',
};

export const ROLE_TEMPLATE_KIND = 'RoleTemplate';
export const USER_KIND = 'User';
export const API_KEY_KIND = 'APIKey';
export const PROJECT_KIND = 'Project';
export const WORKSPACE_KIND = 'Workspace';

/** Marks the roles the kernel creates; they cannot be deleted. */
export const BUILTIN_LABEL = 'iam.mortise.io/builtin';

export function isRoleKind(kind: string): kind is RoleKindName {
  return kind === 'GlobalRole' || kind === 'WorkspaceRole' || kind === 'Role';
}

export function isBindingKind(kind: string): kind is BindingKindName {
  return kind === 'GlobalRoleBinding' || kind === 'WorkspaceRoleBinding' || kind === 'RoleBinding';
}

/** The scope a role or binding object applies at, from its kind and stamped metadata. */
export function grantScopeOf(
  kind: RoleKindName | BindingKindName,
  metadata: { namespace?: string; workspace?: string },
): GrantScope {
  switch (kind) {
    case 'GlobalRole':
    case 'GlobalRoleBinding':
      return { level: 'global' };
    case 'WorkspaceRole':
    case 'WorkspaceRoleBinding':
      return { level: 'workspace', workspace: metadata.workspace ?? '' };
    case 'Role':
    case 'RoleBinding':
      return { level: 'project', project: metadata.namespace ?? '', workspace: metadata.workspace ?? '' };
    default: {
      const unreachable: never = kind;
      return unreachable;
    }
  }
}
