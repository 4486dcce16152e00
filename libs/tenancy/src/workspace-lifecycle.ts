import {
  ANONYMOUS_USERNAME,
  ConflictError,
  type AdmissionPlugin,
  type AdmissionRequest,
  type KindDefinition,
  type Resource,
  TENANT_GROUP,
} from '@mortise/api';
import { type RbacIndex } from '@mortise/authz';
import type { ResourceStore } from '@mortise/store';
import { WORKSPACE_ADMIN } from './builtin-roles.js';
import type { BuiltinRoleStamper } from './builtin-role-stamper.js';
import { memberBinding } from './members.service.js';
import type { TenancyCleanup } from './tenancy-cleanup.js';
import { PROJECT, WORKSPACE, WORKSPACE_FINALIZER, withFinalizer } from './tenancy-kinds.js';

/**
 * Workspace lifecycle: a new workspace gets the built-in workspace roles
 * and its manager (the creator unless named) as workspace-admin; deleting
 * one that still has projects is refused unless `?cascade=true`, which
 * deletes the projects and everything inside through finalizers.
 */
export class WorkspaceLifecycle implements AdmissionPlugin {
  readonly name = 'workspace-lifecycle';

  constructor(
    private readonly store: ResourceStore,
    private readonly stamper: BuiltinRoleStamper,
    private readonly index: RbacIndex,
    private readonly cleanup: TenancyCleanup,
  ) {}

  handles(kind: KindDefinition): boolean {
    return kind.group === WORKSPACE.group && kind.kind === WORKSPACE.kind;
  }

  async admit({ operation, object, oldObject, caller, options }: AdmissionRequest): Promise<void> {
    switch (operation) {
      case 'create': {
        withFinalizer(object, WORKSPACE_FINALIZER);
        const spec = (object.spec ??= {}) as { manager?: string };
        if (!spec.manager && caller.user.username !== ANONYMOUS_USERNAME) spec.manager = caller.user.username;
        return;
      }
      case 'update':
        // A client replacing the object does not get to drop the cleanup.
        if (oldObject?.metadata.finalizers?.includes(WORKSPACE_FINALIZER)) withFinalizer(object, WORKSPACE_FINALIZER);
        return;
      case 'delete': {
        if (options.cascade === 'true') return;
        const projects = await this.store.list(PROJECT, { scope: object.metadata.name });
        if (projects.items.length === 0) return;
        const names = projects.items.map((p) => p.metadata.name);
        throw new ConflictError(
          `workspace "${object.metadata.name}" still has ${names.length} project(s) (${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''}); delete them first, or delete the workspace with ?cascade=true to remove them and their contents`,
          { group: TENANT_GROUP, kind: 'Workspace', name: object.metadata.name },
        );
      }
      default: {
        const unreachable: never = operation;
        return unreachable;
      }
    }
  }

  async written({ operation }: AdmissionRequest, stored: Resource): Promise<void> {
    if (operation === 'delete') {
      await this.cleanup.finishWorkspace(stored.metadata.name);
      return;
    }
    if (operation !== 'create') return;
    const workspace = stored.metadata.name;
    await this.stamper.stampWorkspace(workspace);
    const manager = (stored.spec as { manager?: string } | undefined)?.manager;
    if (manager) {
      const binding = await this.store.create(
        memberBinding({ level: 'workspace', workspace }, manager, WORKSPACE_ADMIN),
      );
      this.index.apply('ADDED', binding);
    }
  }
}
