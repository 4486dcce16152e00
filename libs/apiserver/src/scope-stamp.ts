import { BadRequestError, type Resource } from '@mortise/api';
import type { ResourceTarget } from './resource-target.js';

export const WORKSPACE_LABEL = 'mortise.io/workspace';
export const PROJECT_LABEL = 'mortise.io/project';

/**
 * Writes the scope named by the path into the object, so the stored object
 * says where it lives and selectors can find it by label. A body naming a
 * different scope is refused rather than silently moved.
 * `projectWorkspace` is the workspace the path's project belongs to.
 */
export function stampScope(object: Resource, target: ResourceTarget, projectWorkspace?: string): void {
  const meta = object.metadata;
  const mismatch = (field: string, inBody: string, inPath: string): BadRequestError =>
    new BadRequestError(`metadata.${field} "${inBody}" does not match the ${field} "${inPath}" in the request path`);
  switch (target.def.scope) {
    case 'global':
      delete meta.workspace;
      delete meta.namespace;
      return;
    case 'workspace':
      if (meta.workspace !== undefined && meta.workspace !== target.workspace) {
        throw mismatch('workspace', meta.workspace, target.workspace);
      }
      delete meta.namespace;
      meta.workspace = target.workspace;
      meta.labels = { ...meta.labels, [WORKSPACE_LABEL]: target.workspace };
      return;
    case 'namespace': {
      if (meta.namespace !== undefined && meta.namespace !== target.project) {
        throw mismatch('namespace', meta.namespace, target.project);
      }
      const workspace = projectWorkspace ?? '';
      meta.namespace = target.project;
      meta.workspace = workspace;
      meta.labels = { ...meta.labels, [WORKSPACE_LABEL]: workspace, [PROJECT_LABEL]: target.project };
      return;
    }
    default: {
      const unreachable: never = target.def.scope;
      return unreachable;
    }
  }
}
