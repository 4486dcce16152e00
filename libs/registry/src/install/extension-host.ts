import { InvalidError, type ExtensionVersion, type InstallPlan } from '@mortise/api';
import type { ExtensionRuntime } from '@mortise/runtime';
import { getIfExists, type ResourceStore } from '@mortise/store';
import { ConfigSecrets, joinSecrets } from './config-secrets.js';
import { fitsKernel } from './dependency-resolver.js';
import { INSTALL_PLAN_KIND, versionRef } from './install-plan-names.js';
import type { EnsuredPackage } from '../package/package-store.js';
import type { PackageSource } from './package-source.js';
import { KeyedQueue, KindWatcher, isPlan, type FollowerLogger } from './plan-follower.js';

export interface ExtensionHostOptions {
  store: ResourceStore;
  runtime: ExtensionRuntime;
  packages: PackageSource;
  kernelVersion: string;
  logger: FollowerLogger & { info(bindings: Record<string, unknown>, message: string): void };
  secrets?: ConfigSecrets;
}

interface Loaded {
  version: string;
  config: string;
}

/** The version a plan wants on every kernel (the target while moving), or undefined when none. */
function desiredVersion(plan: InstallPlan): string | undefined {
  const status = plan.status ?? {};
  if (plan.metadata.deletionTimestamp) return undefined;
  const moving = status.state === 'Installing' || status.state === 'Upgrading';
  const version = moving ? (status.targetVersion ?? status.version) : status.version;
  if (!version || status.state === 'Uninstalling' || status.state === 'Uninstalled') return undefined;
  return version;
}

/** What a plan asks of every kernel's runtime: a module version, on or off; undefined when nothing. */
export function desiredModule(plan: InstallPlan): { version: string; enabled: boolean } | undefined {
  const version = plan.status?.backend === 'module' ? desiredVersion(plan) : undefined;
  // A version outside the kernel range is never loaded: the host checks the package's own manifest.
  return version ? { version, enabled: plan.spec.enabled !== false } : undefined;
}

/**
 * The per-replica half of install plans: makes this kernel's
 * `ExtensionRuntime` hold the module extensions the plans say are installed
 * (version, config, enabled), at start and on every change, and keeps the
 * package of every installed service extension on this kernel's disk for
 * its packaged JSBundles. Every replica runs one; the leader's controller
 * also loads through it, so a plan's steps and the watch never race on one
 * extension.
 */
export class ExtensionHost {
  readonly name = 'extension-host';
  private readonly loaded = new Map<string, Loaded>();
  /** Unpacked package directories of the service extensions installed here. */
  private readonly servicePackages = new Map<string, string>();
  private readonly queue = new KeyedQueue((name) => this.converge(name));
  private readonly watcher: KindWatcher;
  private readonly secrets: ConfigSecrets;
  private readonly chains = new Map<string, Promise<unknown>>();

  constructor(private readonly options: ExtensionHostOptions) {
    this.secrets = options.secrets ?? new ConfigSecrets(options.store);
    this.watcher = new KindWatcher(
      options.store,
      INSTALL_PLAN_KIND,
      (object) => this.queue.add(object.metadata.name),
      options.logger,
    );
  }

  /** Loads every installed module extension (how a restarted kernel comes back with them), then follows changes. */
  async start(): Promise<void> {
    await this.watcher.start();
    await this.queue.idle();
  }

  async stop(): Promise<void> {
    await this.watcher.stop();
    await this.queue.stop();
  }

  /** Where the package of a service extension installed on this kernel is unpacked (module extensions: ask the runtime). */
  serviceDirectoryOf(name: string): string | undefined {
    return this.servicePackages.get(name);
  }

  /** Resolves once every change seen so far has been applied (tests, benchmarks). */
  settled(): Promise<void> {
    return this.queue.idle();
  }

  /**
   * Loads `pkg` for the plan (install, or upgrade when another version or
   * config is loaded) and leaves it enabled or disabled as the plan says.
   * Throws, leaving nothing half registered, when it does not boot.
   */
  load(plan: InstallPlan, pkg: EnsuredPackage, enabled: boolean): Promise<void> {
    return this.serial(plan.metadata.name, () => this.loadNow(plan, pkg, enabled));
  }

  /** Removes the extension from this kernel's runtime; its data stays (the controller purges). */
  unload(name: string): Promise<void> {
    return this.serial(name, () => this.unloadNow(name));
  }

  /** Reads the plan inside the extension's queue, so a decision never acts on a state older than the last load. */
  private async converge(name: string): Promise<void> {
    await this.serial(name, () => this.convergeNow(name)).catch((err: unknown) => {
      this.options.logger.warn({ extension: name, reason: (err as Error).message }, 'extension not loaded');
    });
  }

  private async convergeNow(name: string): Promise<void> {
    const object = await getIfExists(this.options.store, { ...INSTALL_PLAN_KIND, name });
    const plan = object && isPlan(object) ? object : undefined;
    if (plan?.status?.backend === 'service') return this.keepServicePackage(plan);
    this.servicePackages.delete(name);
    const desired = plan && desiredModule(plan);
    if (!plan || !desired) return this.unloadNow(name);
    const version = (await this.options.store.get(
      versionRef(plan.spec.extension.name, desired.version),
    )) as ExtensionVersion;
    const pkg = await this.options.packages.ensure(version);
    // Never serve an extension the kernel is outside of; the controller marks the plan Incompatible.
    if (!fitsKernel(pkg.manifest, this.options.kernelVersion)) return this.unloadNow(name);
    await this.loadNow(plan, pkg, desired.enabled);
  }

  /** A service extension runs elsewhere; this kernel needs only its package, for the bundles it ships. */
  private async keepServicePackage(plan: InstallPlan): Promise<void> {
    const name = plan.metadata.name;
    await this.unloadNow(name);
    const version = desiredVersion(plan);
    if (!version) {
      this.servicePackages.delete(name);
      return;
    }
    const object = (await this.options.store.get(versionRef(plan.spec.extension.name, version))) as ExtensionVersion;
    const pkg = await this.options.packages.ensure(object);
    this.servicePackages.set(name, pkg.directory);
  }

  private async loadNow(plan: InstallPlan, pkg: EnsuredPackage, enabled: boolean): Promise<void> {
    const name = plan.metadata.name;
    if (pkg.manifest.name !== name) {
      throw new InvalidError(`the package of InstallPlan "${name}" holds extension "${pkg.manifest.name}"`);
    }
    const config = joinSecrets(plan.spec.config, await this.secrets.read(name));
    const configKey = JSON.stringify(config);
    const current = this.loaded.get(name);
    const { runtime } = this.options;
    if (!current) {
      try {
        await runtime.install(pkg.directory, { config });
      } catch (err) {
        // A boot failure leaves the extension registered; take it out again so nothing is half there.
        if (runtime.list().some((s) => s.name === name)) await runtime.uninstall(name);
        throw err;
      }
      this.loaded.set(name, { version: pkg.manifest.version, config: configKey });
    } else if (current.version !== pkg.manifest.version || current.config !== configKey) {
      await runtime.upgrade(name, pkg.directory, { config });
      this.loaded.set(name, { version: pkg.manifest.version, config: configKey });
    }
    const status = runtime.status(name);
    if (enabled && !status.enabled) await runtime.enable(name);
    if (!enabled && status.enabled) await runtime.disable(name);
  }

  private async unloadNow(name: string): Promise<void> {
    if (!this.loaded.has(name)) return;
    this.loaded.delete(name);
    if (this.options.runtime.list().some((s) => s.name === name)) await this.options.runtime.uninstall(name);
    this.options.logger.info({ extension: name }, 'extension unloaded');
  }

  private serial<T>(name: string, work: () => Promise<T>): Promise<T> {
    const previous = this.chains.get(name) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    this.chains.set(name, next);
    void next
      .finally(() => {
        if (this.chains.get(name) === next) this.chains.delete(name);
      })
      .catch(() => undefined);
    return next;
  }
}
