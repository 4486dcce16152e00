import { IAM_GROUP, TENANT_GROUP, aggregateToLabel, type PolicyRule } from '@mortise/api';
import {
  BUILTIN_LABEL,
  SELF_RESOURCE_NAME,
  roleObject,
  type GrantScope,
  type RoleKindName,
  type RoleObject,
} from '@mortise/authz';

export const PLATFORM_ADMIN = 'platform-admin';
export const PLATFORM_REGULAR = 'platform-regular';
export const AUTHENTICATED_ROLE = 'authenticated';
export const WORKSPACE_ADMIN = 'workspace-admin';
export const WORKSPACE_REGULAR = 'workspace-regular';
export const WORKSPACE_VIEWER = 'workspace-viewer';
export const PROJECT_ADMIN = 'project-admin';
export const PROJECT_OPERATOR = 'project-operator';
export const PROJECT_VIEWER = 'project-viewer';

const EXTENSIONS_API_GROUP = 'extensions.mortise.io';
const EVERYTHING: PolicyRule = { apiGroups: ['*'], resources: ['*'], verbs: ['*'] };
/**
 * What a workspace or project admin holds: every standard verb on every
 * resource of its scope, but not `*` itself, so `bind`, `escalate` and
 * extension-defined verbs stay with the platform admin and a scope admin
 * cannot mint a `*` role.
 */
const MANAGE_SCOPE: PolicyRule = {
  apiGroups: ['*'],
  resources: ['*'],
  verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'],
};
const READ_EVERYTHING: PolicyRule = { apiGroups: ['*'], resources: ['*'], verbs: ['get', 'list', 'watch'] };

export interface BuiltinRole {
  name: string;
  rules: PolicyRule[];
}

/** GlobalRoles created at start. */
export const GLOBAL_BUILTIN_ROLES: readonly BuiltinRole[] = [
  { name: PLATFORM_ADMIN, rules: [EVERYTHING, { nonResourceURLs: ['*'], verbs: ['*'] }] },
  {
    name: PLATFORM_REGULAR,
    rules: [
      { apiGroups: [TENANT_GROUP], resources: ['workspaces'], verbs: ['create'] },
      // To add someone as a member you must be able to find them.
      { apiGroups: [IAM_GROUP], resources: ['users'], verbs: ['get', 'list'] },
    ],
  },
  {
    // Self-service: what every logged-in user needs about themselves.
    name: AUTHENTICATED_ROLE,
    rules: [
      {
        apiGroups: [IAM_GROUP],
        resources: ['users'],
        resourceNames: [SELF_RESOURCE_NAME],
        verbs: ['get', 'update', 'patch'],
      },
      {
        apiGroups: [IAM_GROUP],
        resources: ['users/password', 'users/apikeys', 'users/loginrecords'],
        resourceNames: [SELF_RESOURCE_NAME],
        verbs: ['get', 'list', 'create', 'update', 'patch', 'delete'],
      },
      // Every user manages API keys; identity's admission narrows them to the caller's own
      // (owner = caller; lists by owner label) unless the caller holds `users/apikeys` for everyone.
      { apiGroups: [IAM_GROUP], resources: ['apikeys'], verbs: ['create', 'get', 'list', 'watch', 'delete'] },
      { apiGroups: [IAM_GROUP], resources: ['accessreviews'], verbs: ['create'] },
      { apiGroups: [EXTENSIONS_API_GROUP], resources: ['extensionentries', 'jsbundles'], verbs: ['get', 'list'] },
      // The console builds its navigation from the menus; each entry is still filtered by its own permission.
      { apiGroups: [EXTENSIONS_API_GROUP], resources: ['menus'], verbs: ['list', 'watch'] },
      // Everyone may browse what can be installed; installing (InstallPlans) stays with platform admins.
      { apiGroups: [EXTENSIONS_API_GROUP], resources: ['marketplace'], verbs: ['get', 'list'] },
      { nonResourceURLs: ['/oauth/userinfo', '/oauth/logout', '/kapis', '/kapis/*'], verbs: ['get', 'post'] },
    ],
  },
];

/** WorkspaceRoles stamped into every workspace; they grant in the workspace and all its projects. */
export const WORKSPACE_BUILTIN_ROLES: readonly BuiltinRole[] = [
  { name: WORKSPACE_ADMIN, rules: [MANAGE_SCOPE] },
  {
    name: WORKSPACE_REGULAR,
    rules: [
      { apiGroups: [TENANT_GROUP], resources: ['workspaces'], verbs: ['get'] },
      { apiGroups: [TENANT_GROUP], resources: ['members'], verbs: ['get', 'list'] },
      { apiGroups: [TENANT_GROUP], resources: ['projects'], verbs: ['create'] },
      { apiGroups: [IAM_GROUP], resources: ['workspaceroles'], verbs: ['get', 'list'] },
    ],
  },
  { name: WORKSPACE_VIEWER, rules: [READ_EVERYTHING] },
];

/** Roles stamped into every project. */
export const PROJECT_BUILTIN_ROLES: readonly BuiltinRole[] = [
  { name: PROJECT_ADMIN, rules: [MANAGE_SCOPE] },
  // Writes come from RoleTemplates extensions label aggregate-to-project-operator.
  { name: PROJECT_OPERATOR, rules: [READ_EVERYTHING] },
  { name: PROJECT_VIEWER, rules: [READ_EVERYTHING] },
];

/** The stored form of a built-in role: labelled built-in, aggregating templates labelled for it. */
export function builtinRoleObject(kind: RoleKindName, role: BuiltinRole, scope: GrantScope): RoleObject {
  return roleObject(kind, role.name, scope, role.rules, {
    labels: { [BUILTIN_LABEL]: 'true' },
    aggregationRoleTemplates: { roleSelector: { matchLabels: { [aggregateToLabel(role.name)]: 'true' } } },
  });
}

export function isBuiltin(object: { metadata: { labels?: Record<string, string> } }): boolean {
  return object.metadata.labels?.[BUILTIN_LABEL] === 'true';
}
