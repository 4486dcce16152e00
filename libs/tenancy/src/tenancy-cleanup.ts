import { NotFoundError, ConflictError, type KindRegistry, type Resource } from '@mortise/api';
import { getIfExists, type ObjectRef, type ResourceStore } from '@mortise/store';
import { PROJECT, PROJECT_FINALIZER, WORKSPACE, WORKSPACE_FINALIZER } from './tenancy-kinds.js';

function refOf(object: Resource, group: string): ObjectRef {
  const ref: ObjectRef = { group, kind: object.kind, name: object.metadata.name };
  const scope = object.metadata.namespace ?? object.metadata.workspace;
  if (scope) ref.scope = scope;
  return ref;
}

/**
 * Finishes deleting workspaces and projects: removes what lives inside them
 * (roles, bindings, every other scoped object), then lets the store drop
 * them by removing the finalizer. Idempotent, so it is safe to run again
 * after a crash or from several places.
 */
export class TenancyCleanup {
  constructor(
    private readonly store: ResourceStore,
    private readonly kinds: KindRegistry,
    private readonly onRemoved: (object: Resource) => void = () => undefined,
  ) {}

  /** Completes every deletion left unfinished, e.g. by a crash. */
  async resume(): Promise<void> {
    for (const project of (await this.store.list(PROJECT)).items) {
      if (project.metadata.deletionTimestamp) await this.finishProject(project);
    }
    for (const workspace of (await this.store.list(WORKSPACE)).items) {
      if (workspace.metadata.deletionTimestamp) await this.finishWorkspace(workspace.metadata.name);
    }
  }

  async finishProject(project: Resource): Promise<void> {
    if (!project.metadata.deletionTimestamp) return;
    await this.removeScoped('namespace', project.metadata.name);
    await this.dropFinalizer(project, PROJECT.group, PROJECT_FINALIZER);
  }

  /** Deletes the workspace's projects, then its own objects; returns whether the workspace is gone. */
  async finishWorkspace(name: string): Promise<boolean> {
    const workspace = await getIfExists(this.store, { ...WORKSPACE, name });
    if (!workspace) return true;
    if (!workspace.metadata.deletionTimestamp) return false;
    for (const project of (await this.store.list(PROJECT, { scope: name })).items) {
      const deleting = project.metadata.deletionTimestamp ? project : await this.deleteQuietly(project, PROJECT.group);
      if (deleting) await this.finishProject(deleting);
    }
    if ((await this.store.list(PROJECT, { scope: name })).items.length > 0) return false;
    await this.removeScoped('workspace', name);
    await this.dropFinalizer(workspace, WORKSPACE.group, WORKSPACE_FINALIZER);
    return true;
  }

  private async removeScoped(scope: 'workspace' | 'namespace', name: string): Promise<void> {
    for (const def of this.kinds.list()) {
      if (def.scope !== scope || (def.group === PROJECT.group && def.kind === PROJECT.kind)) continue;
      const list = await this.store.list({ group: def.group, kind: def.kind }, { scope: name });
      for (const object of list.items) await this.deleteQuietly(object, def.group);
    }
  }

  private async deleteQuietly(object: Resource, group: string): Promise<Resource | undefined> {
    try {
      const removed = await this.store.delete(refOf(object, group));
      this.onRemoved(removed);
      return removed;
    } catch (err) {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    }
  }

  private async dropFinalizer(object: Resource, group: string, finalizer: string): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await getIfExists(this.store, refOf(object, group));
      if (!current) return;
      const finalizers = current.metadata.finalizers ?? [];
      if (!finalizers.includes(finalizer)) return;
      try {
        await this.store.update({
          ...current,
          metadata: { ...current.metadata, finalizers: finalizers.filter((f) => f !== finalizer) },
        });
        return;
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
      }
    }
  }
}
