import { NotFoundError, TENANT_GROUP, type InstallPlan, type RequestInfo } from '@mortise/api';
import type { ResourceStore } from '@mortise/store';
import { INSTALL_PLAN_KIND } from './install-plan-names.js';
import { KindWatcher, type FollowerLogger } from './plan-follower.js';

/**
 * Per-workspace enablement: a request in a workspace (or a project of one)
 * where the extension owning the API group is not enabled is answered 404,
 * as if the extension were not there. Module and service extensions alike:
 * the kernel's group dispatch asks it before handing a request on. Follows
 * InstallPlans and Projects, so a check costs two map lookups.
 */
export class WorkspaceGate {
  readonly name = 'extension-workspaces';
  /** Group → workspaces it is enabled in, only for extensions limited to some. */
  private readonly allowed = new Map<string, { extension: string; workspaces: Set<string> }>();
  private readonly groupsOfPlan = new Map<string, string[]>();
  private readonly workspaceOfProject = new Map<string, string>();
  private readonly watchers: KindWatcher[];

  constructor(store: ResourceStore, logger: FollowerLogger) {
    this.watchers = [
      new KindWatcher(store, INSTALL_PLAN_KIND, (o, deleted) => this.notePlan(o as InstallPlan, deleted), logger),
      new KindWatcher(
        store,
        { group: TENANT_GROUP, kind: 'Project' },
        (o, deleted) => {
          if (deleted) this.workspaceOfProject.delete(o.metadata.name);
          else if (o.metadata.workspace) this.workspaceOfProject.set(o.metadata.name, o.metadata.workspace);
        },
        logger,
      ),
    ];
  }

  async start(): Promise<void> {
    for (const watcher of this.watchers) await watcher.start();
  }

  async stop(): Promise<void> {
    for (const watcher of this.watchers) await watcher.stop();
  }

  /** Throws NotFoundError when the group's extension is not enabled where the request is. */
  check(info: RequestInfo, group: string): void {
    const limit = this.allowed.get(group);
    if (!limit) return;
    const workspace = info.workspace || (info.project ? this.workspaceOfProject.get(info.project) : undefined);
    if (workspace === undefined || workspace === '' || limit.workspaces.has(workspace)) return;
    throw new NotFoundError(
      `the page could not be found: extension "${limit.extension}" is not enabled in workspace "${workspace}"`,
    );
  }

  private notePlan(plan: InstallPlan, deleted: boolean): void {
    const name = plan.metadata.name;
    for (const group of this.groupsOfPlan.get(name) ?? []) this.allowed.delete(group);
    this.groupsOfPlan.delete(name);
    const workspaces = plan.spec.workspaces ?? [];
    const groups = plan.status?.groups ?? [];
    if (deleted || workspaces.length === 0 || groups.length === 0) return;
    this.groupsOfPlan.set(name, groups);
    for (const group of groups) this.allowed.set(group, { extension: name, workspaces: new Set(workspaces) });
  }
}
