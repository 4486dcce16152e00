import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from '../../schema-types.js';
import { ConditionsSchema } from '../condition.schema.js';
import { defineKernelKind, ResourceSchema, TENANT_GROUP } from '../define-kind.js';

export const ProjectSchema = ResourceSchema(
  {
    spec: Type.Object({
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
  'A project within one workspace; its name is also the namespace of its project-scoped objects.',
);

export type Project = Static<typeof ProjectSchema>;

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
