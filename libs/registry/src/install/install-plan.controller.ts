import { ConflictError, NotFoundError, type InstallPlan, type InstallPlanState } from '@mortise/api';
import type { ResourceStore } from '@mortise/store';
import { originConditions, uninstallReasonOf } from './auto-installed.js';
import { AutomaticUpgrades } from './automatic-upgrades.js';
import { ConfigSecrets } from './config-secrets.js';
import { DependencyCollector } from './dependency-collector.js';
import { fitsKernel } from './dependency-resolver.js';
import type { ExtensionCredentials } from './extension-credentials.js';
import type { ExtensionHost } from './extension-host.js';
import {
  FORCE_DELETE_ANNOTATION,
  INSTALL_PLAN_KIND,
  PURGE_ANNOTATION,
  RETRY_ANNOTATION,
  SECRET_REVISION_ANNOTATION,
  UNINSTALL_FINALIZER,
  planRef,
} from './install-plan-names.js';
import { InstallSteps, backendOf, groupsOf } from './install-steps.js';
import type { PackageSource } from './package-source.js';
import { KeyedQueue, KindWatcher, type FollowerLogger } from './plan-follower.js';
import { PlanStatusWriter, withCondition, withEnabledCondition, withoutCondition } from './plan-status.js';

export interface InstallPlanControllerOptions {
  store: ResourceStore;
  packages: PackageSource;
  /** This kernel's runtime follower; the controller loads module extensions through it. */
  host: ExtensionHost;
  kernelVersion: string;
  logger: FollowerLogger & { info(bindings: Record<string, unknown>, message: string): void };
  secrets?: ConfigSecrets;
  /** Service extensions' OAuth client credentials; default: over `store`. */
  credentials?: ExtensionCredentials;
  /** How long a plan waiting for dependencies, or a failed pass of the dependency collector, waits to look again; default 1 s. */
  dependencyPollMs?: number;
}

const IN_PROGRESS: ReadonlySet<string> = new Set(['Pending', 'Downloading', 'Installing', 'Upgrading']);

/**
 * The leader-only half of install plans: drives each InstallPlan through
 * Pending → Downloading → Installing → Installed (→ Upgrading → Installed)
 * and Uninstalling on delete, or a *Failed state with the reason. Each state
 * is written before its side effects and every step is idempotent, so a
 * kernel killed at any point resumes the plan when it starts again. Plans it
 * created for dependencies are deleted again once nothing needs them
 * (`DependencyCollector`).
 */
export class InstallPlanController {
  readonly name = 'install-plans';
  private readonly steps: InstallSteps;
  private readonly status: PlanStatusWriter;
  private readonly queue = new KeyedQueue((name) => this.reconcile(name));
  private readonly plans: KindWatcher;
  private readonly upgrades: AutomaticUpgrades;
  private readonly collector: DependencyCollector;
  /** Plans looked at since start; an Installed plan is re-applied once per start (after a crash, a kernel upgrade). */
  private readonly verified = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly secrets: ConfigSecrets;

  constructor(private readonly options: InstallPlanControllerOptions) {
    const secrets = options.secrets ?? new ConfigSecrets(options.store);
    this.secrets = secrets;
    this.steps = new InstallSteps({
      store: options.store,
      host: options.host,
      kernelVersion: options.kernelVersion,
      secrets,
      ...(options.credentials ? { credentials: options.credentials } : {}),
    });
    this.status = new PlanStatusWriter(options.store);
    this.plans = new KindWatcher(
      options.store,
      INSTALL_PLAN_KIND,
      (o) => this.onPlan(o as InstallPlan),
      options.logger,
    );
    this.upgrades = new AutomaticUpgrades(options.store, this.steps, options.kernelVersion, options.logger);
    this.collector = new DependencyCollector({
      store: options.store,
      logger: options.logger,
      ...(options.dependencyPollMs !== undefined ? { retryMs: options.dependencyPollMs } : {}),
    });
  }

  async start(): Promise<void> {
    // Started on every leadership this replica wins: look at every plan afresh.
    this.queue.resume();
    this.verified.clear();
    this.collector.start();
    await this.plans.start();
    await this.upgrades.start();
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    await this.plans.stop();
    await this.upgrades.stop();
    await this.collector.stop();
    await this.queue.stop();
  }

  /** Resolves once every plan seen so far has been reconciled, unneeded dependencies included (tests, benchmarks). */
  async settled(): Promise<void> {
    await this.queue.idle();
    await this.collector.idle();
    await this.queue.idle();
  }

  private onPlan(plan: InstallPlan): void {
    this.queue.add(plan.metadata.name);
    // Any change may be what ends (or starts) some auto-installed plan's being needed: a pass is cheap and coalesced.
    this.collector.request();
    // A plan that settles may be what others wait for.
    if (plan.status?.state === 'Installed') this.requeueWaiting();
  }

  private requeueWaiting(): void {
    void this.options.store.list(INSTALL_PLAN_KIND).then(({ items }) => {
      for (const other of items as InstallPlan[])
        if (other.status?.state === 'Pending') this.queue.add(other.metadata.name);
    });
  }

  private later(name: string): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.queue.add(name);
    }, this.options.dependencyPollMs ?? 1000);
    this.timers.add(timer);
  }

  private async reconcile(name: string): Promise<void> {
    try {
      const plan = (await this.options.store.get(planRef(name))) as InstallPlan;
      if (plan.metadata.deletionTimestamp) return await this.uninstall(plan);
      const current = await this.showOrigin(await this.ensureFinalizer(plan));
      const status = current.status ?? {};
      const unchanged =
        status.observedGeneration === current.metadata.generation &&
        status.observedRetry === current.metadata.annotations?.[RETRY_ANNOTATION] &&
        status.observedSecretRevision === current.metadata.annotations?.[SECRET_REVISION_ANNOTATION];
      if (status.state?.endsWith('Failed') && unchanged) return; // waits for an edit or a retry annotation
      if (status.state === 'Installed' && unchanged && this.verified.has(name)) return;
      this.verified.add(name);
      if (status.state === 'Installed' && status.version === current.spec.extension.version) {
        return await this.applySettings(current);
      }
      await this.install(current);
    } catch (err) {
      if (err instanceof NotFoundError) return;
      if (err instanceof ConflictError) return this.queue.add(name);
      this.options.logger.warn({ plan: name, reason: (err as Error).message }, 'install plan not reconciled');
      this.later(name);
    }
  }

  private async ensureFinalizer(plan: InstallPlan): Promise<InstallPlan> {
    if (plan.metadata.finalizers?.includes(UNINSTALL_FINALIZER)) return plan;
    return (await this.options.store.update({
      ...plan,
      metadata: { ...plan.metadata, finalizers: [...(plan.metadata.finalizers ?? []), UNINSTALL_FINALIZER] },
    })) as InstallPlan;
  }

  /** Keeps the AutoInstalled condition in step with the plan's marks (created for a dependency, or a user's). */
  private async showOrigin(plan: InstallPlan): Promise<InstallPlan> {
    const conditions = originConditions(plan);
    return conditions ? this.status.write(plan, { conditions }) : plan;
  }

  private observed(plan: InstallPlan) {
    return {
      observedGeneration: plan.metadata.generation ?? 0,
      observedRetry: plan.metadata.annotations?.[RETRY_ANNOTATION] ?? null,
      observedSecretRevision: plan.metadata.annotations?.[SECRET_REVISION_ANNOTATION] ?? null,
    };
  }

  /** Install, or upgrade when another version is installed. */
  private async install(start: InstallPlan): Promise<void> {
    let plan = start;
    const name = plan.metadata.name;
    const installed = plan.status?.version;
    const target = plan.spec.extension.version;
    const upgrading = installed !== undefined && installed !== target;
    const failed: InstallPlanState = upgrading ? 'UpgradeFailed' : 'InstallFailed';
    try {
      if (!IN_PROGRESS.has(plan.status?.state ?? '')) plan = await this.status.transition(plan, 'Pending');
      const version = await this.steps.versionOf(name, target);
      await this.steps.check(plan, version);
      const { waiting, created } = await this.steps.ensureDependencies(version);
      if (created.length > 0) {
        this.options.logger.info({ extension: name, created }, 'created InstallPlans for missing dependencies');
      }
      if (waiting.length > 0) {
        const creating = created.length > 0 ? ` (auto-installing ${created.join(', ')})` : '';
        await this.status.transition(plan, 'Pending', `waiting for dependencies: ${waiting.join(', ')}${creating}`);
        return this.later(name);
      }
      plan = await this.status.transition(plan, 'Downloading', `version ${target}`, { targetVersion: target });
      const pkg = await this.options.packages.ensure(version);
      plan = await this.status.transition(plan, upgrading ? 'Upgrading' : 'Installing', `version ${target}`, {
        targetVersion: target,
        backend: backendOf(pkg.manifest),
        permissions: pkg.manifest.permissions ?? [],
        groups: groupsOf(pkg.manifest),
      });
      await this.steps.apply(plan, pkg, plan.spec.enabled !== false);
      await this.status.transition(plan, 'Installed', `version ${target}`, {
        version: target,
        secretConfig: await this.secretFields(name),
        targetVersion: null,
        ...this.observed(plan),
        conditions: withEnabledCondition(plan, withoutCondition(plan.status?.conditions, 'Incompatible')),
      });
      await this.status.mirror(name, target, 'Installed');
      this.options.logger.info({ extension: name, version: target, from: installed }, 'extension installed');
    } catch (err) {
      if (err instanceof ConflictError) throw err;
      const message = (err as Error).message;
      await this.recover(plan, upgrading ? installed : undefined);
      const latest = (await this.options.store.get(planRef(name))) as InstallPlan;
      await this.status.transition(latest, failed, message, { targetVersion: null, ...this.observed(plan) });
      await this.status.mirror(name, upgrading ? installed : undefined, failed);
      this.options.logger.warn({ extension: name, version: target, reason: message }, `${failed}`);
    }
  }

  /** After a failure: an upgrade goes back to the installed version; an install leaves nothing behind. */
  private async recover(plan: InstallPlan, previous: string | undefined): Promise<void> {
    const name = plan.metadata.name;
    try {
      if (previous === undefined) return await this.steps.remove(name, undefined, false);
      const pkg = await this.options.packages.ensure(await this.steps.versionOf(name, previous));
      await this.steps.apply(plan, pkg, plan.spec.enabled !== false);
    } catch (err) {
      this.options.logger.warn({ extension: name, reason: (err as Error).message }, 'could not roll back');
    }
  }

  /** Same version installed: apply enablement and config, and check it still fits the kernel. */
  private async applySettings(plan: InstallPlan): Promise<void> {
    const name = plan.metadata.name;
    const version = await this.steps.versionOf(name, plan.spec.extension.version);
    const fits = fitsKernel(version.spec, this.options.kernelVersion);
    let conditions = plan.status?.conditions;
    if (fits) {
      await this.steps.check(plan, version);
      conditions = withoutCondition(conditions, 'Incompatible');
    } else {
      const message = `${this.steps.incompatibility(version, await this.steps.versionsOf(name))}; disabled until upgraded`;
      conditions = withCondition(conditions, { type: 'Incompatible', status: 'True', reason: 'KernelRange', message });
      this.options.logger.warn({ extension: name }, message);
    }
    const pkg = await this.options.packages.ensure(version);
    await this.steps.apply(plan, pkg, plan.spec.enabled !== false, fits);
    await this.status.write(plan, {
      ...this.observed(plan),
      backend: backendOf(pkg.manifest),
      permissions: pkg.manifest.permissions ?? [],
      groups: groupsOf(pkg.manifest),
      secretConfig: await this.secretFields(name),
      conditions: withEnabledCondition(plan, conditions),
    });
  }

  /** Which write-only config fields are set (never their values), for the admin to see. */
  private async secretFields(name: string): Promise<string[]> {
    return Object.keys(await this.secrets.read(name)).sort();
  }

  /** Delete: uninstall, then drop the finalizer so the object goes. */
  private async uninstall(start: InstallPlan): Promise<void> {
    let plan = start;
    const name = plan.metadata.name;
    if (!plan.metadata.finalizers?.includes(UNINSTALL_FINALIZER)) return;
    const annotations = plan.metadata.annotations ?? {};
    const force = annotations[FORCE_DELETE_ANNOTATION] === 'true';
    const unchanged = plan.status?.observedRetry === annotations[RETRY_ANNOTATION];
    if (plan.status?.state === 'UninstallFailed' && unchanged && !force) return;
    try {
      const reason = uninstallReasonOf(plan);
      if (plan.status?.state !== 'Uninstalling') plan = await this.status.transition(plan, 'Uninstalling', reason);
      const dependents = await this.steps.dependents(name);
      if (dependents.length > 0 && !force) {
        throw new Error(
          `${dependents.join(', ')} depend${dependents.length === 1 ? 's' : ''} on it; uninstall ${dependents.length === 1 ? 'it' : 'them'} first`,
        );
      }
      const installed = plan.status?.version ?? plan.status?.targetVersion;
      const manifest = installed
        ? (await this.steps.versionOf(name, installed).catch(() => undefined))?.spec
        : undefined;
      await this.steps.remove(name, manifest, annotations[PURGE_ANNOTATION] === 'true');
      plan = await this.status.transition(plan, 'Uninstalled', reason, { version: null, targetVersion: null });
      await this.status.mirror(name, undefined, undefined);
      this.options.logger.info({ extension: name, ...(reason ? { reason } : {}) }, 'extension uninstalled');
    } catch (err) {
      if (err instanceof ConflictError) throw err;
      const message = (err as Error).message;
      this.options.logger.warn({ extension: name, reason: message, force }, 'uninstall failed');
      plan = await this.status.transition(plan, 'UninstallFailed', message, {
        observedRetry: annotations[RETRY_ANNOTATION] ?? null,
      });
      if (!force) return;
    }
    await this.options.store.update({
      ...plan,
      metadata: {
        ...plan.metadata,
        finalizers: (plan.metadata.finalizers ?? []).filter((f) => f !== UNINSTALL_FINALIZER),
      },
    });
    this.verified.delete(name);
  }
}
