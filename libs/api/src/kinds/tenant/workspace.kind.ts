import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from '../../schema-types.js';
import { ConditionsSchema } from '../condition.schema.js';
import { defineKernelKind, ResourceSchema, TENANT_GROUP } from '../define-kind.js';

export const WorkspaceSchema = ResourceSchema(
  {
    spec: Type.Object({
      /** Username of the workspace's manager, bound to workspace-admin on creation. */
      manager: Type.Optional(Type.String()),
      displayName: Type.Optional(Type.String()),
      description: Type.Optional(Type.String()),
    }),
    status: Type.Optional(
      Type.Object({
        phase: Type.Optional(StringEnum(['Active', 'Terminating'] as const)),
        conditions: Type.Optional(ConditionsSchema),
      }),
    ),
  },
  'A tenant: a group of projects with its own members and roles.',
);

export type Workspace = Static<typeof WorkspaceSchema>;

export const WorkspaceKind = defineKernelKind({
  group: TENANT_GROUP,
  kind: 'Workspace',
  plural: 'workspaces',
  scope: 'global',
  schema: WorkspaceSchema,
  nameRule: 'dns1123-label',
});
