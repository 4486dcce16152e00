import { Type } from '@sinclair/typebox';
import { defineKernelKind, type ResourceOf, ResourceSchema, TENANT_GROUP } from '../define-kind.js';
import { TenantStatusSchema } from './tenant-status.schema.js';

export const WorkspaceSchema = ResourceSchema(
  {
    spec: Type.Object({
      /** Username of the workspace's manager, bound to workspace-admin on creation. */
      manager: Type.Optional(Type.String()),
      displayName: Type.Optional(Type.String()),
      description: Type.Optional(Type.String()),
    }),
    status: Type.Optional(TenantStatusSchema),
  },
  'A tenant: a group of projects with its own members and roles.',
);

export type Workspace = ResourceOf<typeof WorkspaceSchema>;

export const WorkspaceKind = defineKernelKind({
  group: TENANT_GROUP,
  kind: 'Workspace',
  plural: 'workspaces',
  scope: 'global',
  schema: WorkspaceSchema,
  nameRule: 'dns1123-label',
});
