import { type Resource, IAM_GROUP, TENANT_GROUP } from '@mortise/api';
import type { KindRef } from '@mortise/store';

export const WORKSPACE: KindRef = { group: TENANT_GROUP, kind: 'Workspace' };
export const PROJECT: KindRef = { group: TENANT_GROUP, kind: 'Project' };
export const USER: KindRef = { group: IAM_GROUP, kind: 'User' };

/** Keeps a Workspace until its roles, bindings and other workspace objects are gone. */
export const WORKSPACE_FINALIZER = 'tenant.mortise.io/workspace-cleanup';
/** Keeps a Project until the objects inside it are gone. */
export const PROJECT_FINALIZER = 'tenant.mortise.io/project-cleanup';

/** On member bindings: whose membership it is, and which role. */
export const MEMBER_USER_LABEL = 'iam.mortise.io/user-ref';
export const MEMBER_ROLE_LABEL = 'iam.mortise.io/role-ref';

export function withFinalizer(object: Resource, finalizer: string): void {
  const finalizers = object.metadata.finalizers ?? [];
  if (!finalizers.includes(finalizer)) object.metadata.finalizers = [...finalizers, finalizer];
}
