import type { KindDefinition } from '../kind-definition.js';
import type { KindRegistry } from '../kind-registry.js';
import { APIKeyKind } from './iam/api-key.kind.js';
import {
  APIKeySecretKind,
  LoginFailuresKind,
  LoginRecordKind,
  OAuthClientKind,
  PasswordCredentialKind,
  RefreshTokenKind,
  SigningKeyKind,
} from './iam/internal.kind.js';
import { GlobalRoleBindingKind, RoleBindingKind, WorkspaceRoleBindingKind } from './iam/role-binding.kind.js';
import { GlobalRoleKind, RoleKind, RoleTemplateKind, WorkspaceRoleKind } from './iam/role.kind.js';
import { UserKind } from './iam/user.kind.js';
import { ProjectKind } from './tenant/project.kind.js';
import { WorkspaceKind } from './tenant/workspace.kind.js';
import { ExtensionEntryKind, JSBundleKind } from './extensions/console.kind.js';
import { ExtensionKind, ExtensionVersionKind } from './extensions/extension.kind.js';
import { APIServiceKind, ReverseProxyKind } from './extensions/gateway.kind.js';
import {
  ConfigEncryptionKeyKind,
  ExtensionCredentialKind,
  InstallPlanKind,
  InstallPlanSecretKind,
} from './extensions/install-plan.kind.js';
import { RepositoryKind } from './extensions/repository.kind.js';

/** Every kind the kernel itself owns, served and internal. */
export const kernelKinds: readonly KindDefinition[] = Object.freeze([
  UserKind,
  GlobalRoleKind,
  GlobalRoleBindingKind,
  WorkspaceRoleKind,
  WorkspaceRoleBindingKind,
  RoleKind,
  RoleBindingKind,
  RoleTemplateKind,
  APIKeyKind,
  SigningKeyKind,
  RefreshTokenKind,
  PasswordCredentialKind,
  APIKeySecretKind,
  LoginRecordKind,
  LoginFailuresKind,
  OAuthClientKind,
  WorkspaceKind,
  ProjectKind,
  RepositoryKind,
  ExtensionKind,
  ExtensionVersionKind,
  InstallPlanKind,
  InstallPlanSecretKind,
  ConfigEncryptionKeyKind,
  ExtensionCredentialKind,
  APIServiceKind,
  ReverseProxyKind,
  JSBundleKind,
  ExtensionEntryKind,
]);

export function registerKernelKinds(registry: KindRegistry): void {
  for (const def of kernelKinds) registry.register(def);
}
