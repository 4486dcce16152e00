import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from '../../schema-types.js';
import { defineKernelKind, type ResourceOf, IAM_GROUP, ResourceSchema } from '../define-kind.js';
import type { KindScope } from '../../kind-definition.js';

export const RoleRefSchema = Type.Object({
  apiGroup: Type.String(),
  /** GlobalRole, WorkspaceRole or Role, matching the binding's scope. */
  kind: Type.String(),
  name: Type.String({ minLength: 1 }),
});

export const SubjectSchema = Type.Object({
  kind: StringEnum(['User', 'Group'] as const),
  name: Type.String({ minLength: 1 }),
  apiGroup: Type.Optional(Type.String()),
});

/** Bindings keep the Kubernetes RBAC shape: top-level `roleRef` and `subjects`. */
export const RoleBindingSchema = ResourceSchema(
  {
    roleRef: RoleRefSchema,
    subjects: Type.Optional(Type.Array(SubjectSchema)),
  },
  'Grants a role to users and groups at the binding’s scope.',
);

export type RoleRef = Static<typeof RoleRefSchema>;
export type Subject = Static<typeof SubjectSchema>;
export type RoleBinding = ResourceOf<typeof RoleBindingSchema>;

function bindingKind(kind: string, plural: string, scope: KindScope) {
  return defineKernelKind({ group: IAM_GROUP, kind, plural, scope, schema: RoleBindingSchema });
}

export const GlobalRoleBindingKind = bindingKind('GlobalRoleBinding', 'globalrolebindings', 'global');
export const WorkspaceRoleBindingKind = bindingKind('WorkspaceRoleBinding', 'workspacerolebindings', 'workspace');
export const RoleBindingKind = bindingKind('RoleBinding', 'rolebindings', 'namespace');
