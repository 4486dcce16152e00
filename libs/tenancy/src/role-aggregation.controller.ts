import type { Controller, Resource } from '@mortise/api';
import type { ResourceStore } from '@mortise/store';
import type { BuiltinRoleStamper } from './builtin-role-stamper.js';
import { PROJECT, WORKSPACE } from './tenancy-kinds.js';

/**
 * The leader's part of role aggregation: keeps the built-in aggregating
 * roles (platform, and those stamped into every workspace and project) in
 * their current form, with their base rules and the selector that
 * aggregates RoleTemplates labelled `iam.mortise.io/aggregate-to-<role>`.
 * It repairs what an upgrade changed or someone deleted, and stamps
 * workspaces and projects written without passing admission (restored from
 * a backup, applied with kubectl). Which rules a role then has is evaluated
 * at decision time on every replica, from the store's watch.
 */
export class RoleAggregationController implements Controller {
  readonly name = 'role-aggregation';
  private abort: AbortController | undefined;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly store: ResourceStore,
    private readonly stamper: BuiltinRoleStamper,
    private readonly onError: (err: unknown) => void = () => {},
    private readonly retryDelayMs = 1_000,
  ) {}

  async start(): Promise<void> {
    await this.stamper.stampPlatform();
    const abort = new AbortController();
    this.abort = abort;
    this.loop = Promise.all([this.follow(WORKSPACE, abort.signal), this.follow(PROJECT, abort.signal)]).then(
      () => undefined,
    );
  }

  async stop(): Promise<void> {
    this.abort?.abort();
    await this.loop;
  }

  /** Lists the kind and stamps each object, then stamps every one added or changed; relists when the watch breaks. */
  private async follow(kind: typeof WORKSPACE, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        const list = await this.store.list(kind);
        for (const object of list.items) await this.stamp(object);
        const events = this.store.watch({ kind, resourceVersion: list.metadata.resourceVersion, signal });
        for await (const event of events) {
          if (event.type === 'ADDED') await this.stamp(event.object);
        }
      } catch (err) {
        if (!signal.aborted) this.onError(err);
      }
      if (!signal.aborted) await new Promise((r) => setTimeout(r, this.retryDelayMs).unref());
    }
  }

  private async stamp(object: Resource): Promise<void> {
    // A workspace or project being deleted is emptied by the cleanup; stamping would fight it.
    if (object.metadata.deletionTimestamp) return;
    if (object.kind === 'Workspace') await this.stamper.stampWorkspace(object.metadata.name);
    else await this.stamper.stampProject(object.metadata.name, object.metadata.workspace ?? '');
  }
}
