import {
  ANONYMOUS_USERNAME,
  AlreadyExistsError,
  ConflictError,
  InvalidError,
  NotFoundError,
  type AdmissionPlugin,
  type AdmissionRequest,
  type KindDefinition,
  type Resource,
} from '@mortise/api';
import type { RbacIndex } from '@mortise/authz';
import { getIfExists, type ResourceStore } from '@mortise/store';
import { PROJECT_ADMIN } from './builtin-roles.js';
import type { BuiltinRoleStamper } from './builtin-role-stamper.js';
import { memberBinding } from './members.service.js';
import type { TenancyCleanup } from './tenancy-cleanup.js';
import { PROJECT, PROJECT_FINALIZER, WORKSPACE, withFinalizer } from './tenancy-kinds.js';

/** How long a name stays reserved between the uniqueness check and the write. */
const RESERVATION_MS = 30_000;

/**
 * Project lifecycle: one workspace per project, fixed for life; names
 * unique across all workspaces (they are the `namespaces/{name}` of paths);
 * a new project gets the built-in project roles and its creator as
 * project-admin; a deleted one is emptied through its finalizer.
 */
export class ProjectLifecycle implements AdmissionPlugin {
  readonly name = 'project-lifecycle';
  /** Names being created by this replica; closes the check-then-write race between concurrent creates here. */
  private readonly reserved = new Map<string, number>();

  constructor(
    private readonly store: ResourceStore,
    private readonly stamper: BuiltinRoleStamper,
    private readonly index: RbacIndex,
    private readonly cleanup: TenancyCleanup,
    private readonly now: () => number = Date.now,
  ) {}

  handles(kind: KindDefinition): boolean {
    return kind.group === PROJECT.group && kind.kind === PROJECT.kind;
  }

  async admit({ operation, object, oldObject }: AdmissionRequest): Promise<void> {
    switch (operation) {
      case 'create':
        await this.admitCreate(object);
        return;
      case 'update':
        if (oldObject && object.metadata.workspace !== oldObject.metadata.workspace) {
          throw new InvalidError(`Project "${object.metadata.name}" is invalid`, {
            causes: [
              {
                reason: 'FieldValueForbidden',
                field: 'metadata.workspace',
                message: 'a project cannot move to another workspace',
              },
            ],
          });
        }
        // A client replacing the object does not get to drop the cleanup.
        if (oldObject?.metadata.finalizers?.includes(PROJECT_FINALIZER)) withFinalizer(object, PROJECT_FINALIZER);
        return;
      case 'delete':
        return;
      default: {
        const unreachable: never = operation;
        return unreachable;
      }
    }
  }

  async written({ operation, caller }: AdmissionRequest, stored: Resource): Promise<void> {
    if (operation === 'delete') {
      await this.cleanup.finishProject(stored);
      return;
    }
    if (operation !== 'create') return;
    this.reserved.delete(stored.metadata.name);
    const project = stored.metadata.name;
    const workspace = stored.metadata.workspace ?? '';
    await this.stamper.stampProject(project, workspace);
    if (caller.credential !== 'anonymous' && caller.user.username !== ANONYMOUS_USERNAME) {
      const binding = await this.store.create(
        memberBinding({ level: 'project', project, workspace }, caller.user.username, PROJECT_ADMIN),
      );
      this.index.apply('ADDED', binding);
    }
  }

  private async admitCreate(object: Resource): Promise<void> {
    const name = object.metadata.name;
    const workspace = object.metadata.workspace ?? '';
    const owner = await getIfExists(this.store, { ...WORKSPACE, name: workspace });
    if (!owner) throw new NotFoundError(`workspace "${workspace}" not found`, { kind: 'Workspace', name: workspace });
    if (owner.metadata.deletionTimestamp) {
      throw new ConflictError(`workspace "${workspace}" is being deleted; no new projects can be created in it`);
    }
    const now = this.now();
    const reservedUntil = this.reserved.get(name);
    const taken =
      (reservedUntil !== undefined && reservedUntil > now) ||
      (await this.store.list(PROJECT, { fieldSelector: `metadata.name=${name}` })).items.length > 0;
    if (taken) {
      // Which workspace holds it is another tenant's business.
      throw new AlreadyExistsError(
        `project name "${name}" is already taken; project names are unique across all workspaces`,
        {
          kind: 'Project',
          name,
        },
      );
    }
    this.reserved.set(name, now + RESERVATION_MS);
    withFinalizer(object, PROJECT_FINALIZER);
  }
}
