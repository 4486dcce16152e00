import { ConflictError, type Extension } from '@mortise/api';
import type { ResourceStore } from '@mortise/store';
import { fitsKernel } from './dependency-resolver.js';
import { EXTENSION_KIND } from './install-plan-names.js';
import { isNewer, type InstallSteps } from './install-steps.js';
import { KindWatcher, type FollowerLogger } from './plan-follower.js';

/**
 * Follows Extensions: when repository sync sets a newer
 * `status.recommendedVersion` that fits the kernel, a plan with
 * `upgradeStrategy: Automatic` moves its `spec.extension.version` to it (the
 * controller then upgrades as for any edit).
 */
export class AutomaticUpgrades {
  private readonly watcher: KindWatcher;

  constructor(
    private readonly store: ResourceStore,
    private readonly steps: InstallSteps,
    private readonly kernelVersion: string,
    private readonly logger: FollowerLogger,
  ) {
    this.watcher = new KindWatcher(
      store,
      EXTENSION_KIND,
      (object, deleted) => {
        if (!deleted) void this.consider(object);
      },
      logger,
    );
  }

  start(): Promise<void> {
    return this.watcher.start();
  }

  stop(): Promise<void> {
    return this.watcher.stop();
  }

  private async consider(extension: Extension): Promise<void> {
    const recommended = extension.status?.recommendedVersion;
    const plan = await this.steps.plan(extension.metadata.name).catch(() => undefined);
    if (!plan || plan.spec.upgradeStrategy !== 'Automatic') return;
    if (!isNewer(recommended, plan.spec.extension.version)) return;
    try {
      const version = await this.steps.versionOf(plan.metadata.name, recommended);
      if (!fitsKernel(version.spec, this.kernelVersion)) return;
      await this.store.update({
        ...plan,
        spec: { ...plan.spec, extension: { ...plan.spec.extension, version: recommended } },
      });
    } catch (err) {
      // A conflict means the plan changed meanwhile; the next Extension event looks again.
      if (err instanceof ConflictError) return;
      this.logger.warn(
        { extension: plan.metadata.name, reason: (err as Error).message },
        'automatic upgrade not started',
      );
    }
  }
}
