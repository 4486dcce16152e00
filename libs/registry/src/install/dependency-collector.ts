import { ConflictError, NotFoundError, type ExtensionVersion, type InstallPlan } from '@mortise/api';
import { getIfExists, type ResourceStore } from '@mortise/store';
import {
  migratedMetadata,
  requiredByOf,
  uninstallReasonOf,
  withRequiredBy,
  withUninstallReason,
} from './auto-installed.js';
import { autoInstalledNeeds, type AutoInstalledNeed } from './dependency-needs.js';
import { INSTALL_PLAN_KIND, planRef, versionRef } from './install-plan-names.js';
import { KeyedQueue, type FollowerLogger } from './plan-follower.js';

export interface DependencyCollectorOptions {
  store: ResourceStore;
  logger: FollowerLogger & { info(bindings: Record<string, unknown>, message: string): void };
  /** How long after a failed pass the collector looks again; default 1 s. */
  retryMs?: number;
}

const SWEEP = 'sweep';

/**
 * `apt autoremove` for install plans, on the leader: deletes every
 * auto-installed InstallPlan no other plan needs (the controller then
 * uninstalls it as for any delete, so a chain unwinds one link per pass),
 * and keeps `required-by` current on the others. Each pass works from one
 * list of the plans and writes with their resourceVersion, so a plan a user
 * edits or another plan starts needing meanwhile is looked at again, not
 * removed; a pass after a restart finishes what a crash interrupted.
 */
export class DependencyCollector {
  private readonly queue = new KeyedQueue(() => this.sweep());
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly options: DependencyCollectorOptions) {}

  start(): void {
    this.queue.resume();
    this.request();
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await this.queue.stop();
  }

  /** Asks for a pass; requests while one runs make one more pass afterwards. */
  request(): void {
    this.queue.add(SWEEP);
  }

  /** Resolves once no pass runs or waits (tests). */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  private async sweep(): Promise<void> {
    let again = false;
    try {
      const plans = (await this.options.store.list(INSTALL_PLAN_KIND)).items as InstallPlan[];
      for (const need of await autoInstalledNeeds(plans, (name, version) => this.dependenciesOf(name, version))) {
        again = (await this.settle(need)) || again;
      }
      for (const plan of plans) again = (await this.migrate(plan)) || again;
    } catch (err) {
      this.options.logger.warn({ reason: (err as Error).message }, 'auto-installed dependencies not collected');
      return this.later();
    }
    if (again) this.request();
  }

  /** Records who needs the plan, or removes it; true when the plan changed meanwhile and the pass must look again. */
  private async settle({ plan, requiredBy }: AutoInstalledNeed): Promise<boolean> {
    try {
      if (requiredBy.length === 0) await this.remove(plan);
      else if (requiredByOf(plan).join(',') !== requiredBy.join(',') || uninstallReasonOf(plan) !== undefined) {
        await this.options.store.update({ ...plan, metadata: withRequiredBy(plan.metadata, requiredBy) });
      }
      return false;
    } catch (err) {
      if (err instanceof NotFoundError) return false;
      if (err instanceof ConflictError) return true;
      throw err;
    }
  }

  private async remove(plan: InstallPlan): Promise<void> {
    const name = plan.metadata.name;
    const was = requiredByOf(plan);
    const reason =
      `auto-installed for ${was.length > 0 ? was.join(', ') : 'a dependency'}, ` +
      'and no installed extension depends on it any more';
    // The reason first, then the delete on that very version: an edit in between (a user adopting it) wins.
    const marked = await this.options.store.update({ ...plan, metadata: withUninstallReason(plan.metadata, reason) });
    await this.options.store.delete(planRef(name), { resourceVersion: marked.metadata.resourceVersion });
    this.options.logger.info({ extension: name, requiredBy: was, reason }, 'uninstalling an unneeded dependency');
  }

  /** Plans marked before auto-installed plans were labelled as such get today's marks. */
  private async migrate(plan: InstallPlan): Promise<boolean> {
    const metadata = migratedMetadata(plan);
    if (!metadata || plan.metadata.deletionTimestamp) return false;
    try {
      await this.options.store.update({ ...plan, metadata });
      return true;
    } catch (err) {
      if (err instanceof NotFoundError) return false;
      if (err instanceof ConflictError) return true;
      throw err;
    }
  }

  private async dependenciesOf(extension: string, version: string): Promise<string[] | undefined> {
    const found = await getIfExists<ExtensionVersion>(this.options.store, versionRef(extension, version));
    return found ? Object.keys(found.spec.dependencies ?? {}) : undefined;
  }

  private later(): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.request();
    }, this.options.retryMs ?? 1000);
    this.timers.add(timer);
  }
}
