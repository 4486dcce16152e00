import { Type } from '@sinclair/typebox';
import { defineKernelKind, type ResourceOf, ResourceSchema, TENANT_GROUP } from '../define-kind.js';
import { TenantStatusSchema } from './tenant-status.schema.js';

export const ProjectSchema = ResourceSchema(
  {
    spec: Type.Object({
      displayName: Type.Optional(Type.String()),
      description: Type.Optional(Type.String()),
    }),
    status: Type.Optional(TenantStatusSchema),
  },
  'A project within one workspace; its name is also the namespace of its project-scoped objects.',
);

export type Project = ResourceOf<typeof ProjectSchema>;

/**
 * Workspace-scoped (created at `/workspaces/{ws}/projects`, `metadata.workspace`
 * set), but its name is unique across all workspaces because it is the
 * `namespaces/{name}` segment of project-scoped paths.
 */
export const ProjectKind = defineKernelKind({
  group: TENANT_GROUP,
  kind: 'Project',
  plural: 'projects',
  scope: 'workspace',
  schema: ProjectSchema,
  nameRule: 'dns1123-label',
  globallyUniqueNames: true,
});
