import {
  ConflictError,
  compileResourceValidator,
  compileSchemaValidator,
  InvalidError,
  NotFoundError,
  type ApiGroupRegistry,
  type Authorizer,
  type GroupDispatcherRegistry,
  type KindDefinition,
  type KindRegistry,
  type Resource,
  type SchemaValidator,
} from '@mortise/api';
import type { ResourceStore } from '@mortise/store';
import type { ExtensionLogger } from '@mortise/sdk';
import { Registry } from 'prom-client';
import { declaredKinds, purgeObjects, swapKinds } from './declared-kinds.js';
import { ExtensionApplication } from './extension-application.js';
import { KernelAuthorizerBridge } from './extension-authorizer.js';
import { ExtensionDispatcher } from './extension-dispatcher.js';
import { ExtensionInstance } from './extension-instance.js';
import { loadExtensionPackage, type LoadedPackage } from './extension-loader.js';
import { ExtensionRequestMetrics, NamespacedMetrics } from './extension-metrics.js';
import { publicationsOf, publish, unpublish } from './extension-publications.js';
import { ExtensionStatusRecord, type ExtensionStatus, type StatusListener } from './extension-status.js';
import { StoreResourceClient, type KindValidator } from './store-resource-client.js';
import { stackMentions } from './stack-origin.js';

/** A pino-style logger; the runtime gives each extension a child. */
export interface RuntimeLogger extends ExtensionLogger {
  child(bindings: Record<string, unknown>): RuntimeLogger;
}

export interface ExtensionRuntimeOptions {
  groups: ApiGroupRegistry;
  kinds: KindRegistry;
  dispatchers: GroupDispatcherRegistry;
  store: ResourceStore;
  /** The kernel's one decision point; extensions' `can` asks it too. */
  authorizer: Authorizer;
  /** The validator for a kind; defaults to the kernel's (the one the generic REST uses). */
  validatorFor?: (def: KindDefinition) => KindValidator;
  metrics?: Registry;
  logger?: RuntimeLogger;
  /** Per-request deadline when the manifest sets none; default 30 s. */
  requestTimeoutMs?: number;
  /** How long an upgrade, disable or uninstall waits for in-flight requests; default 30 s. */
  drainTimeoutMs?: number;
  onStatus?: StatusListener;
}

export interface InstallOptions {
  /** Checked against the manifest's `configSchema`; defaults are filled in. */
  config?: unknown;
}

interface Installed {
  pkg: LoadedPackage;
  config: unknown;
  kinds: KindDefinition[];
  publications: Resource[];
  dispatcher: ExtensionDispatcher;
  status: ExtensionStatusRecord;
  metrics: NamespacedMetrics;
  authorizer: KernelAuthorizerBridge;
}

const SILENT: RuntimeLogger = { debug() {}, info() {}, warn() {}, error() {}, child: () => SILENT };

/**
 * Hosts in-process extensions: install, upgrade, disable, enable and
 * uninstall while the kernel runs. Each extension owns one API group (through
 * the shared group registry) and is served by its dispatcher; its declared
 * kinds are registered with the kernel, so the generic REST serves them.
 */
export class ExtensionRuntime {
  private readonly installed = new Map<string, Installed>();
  private readonly configValidators = new Map<string, SchemaValidator>();
  private readonly requestMetrics: ExtensionRequestMetrics;
  private readonly registry: Registry;
  private readonly logger: RuntimeLogger;

  constructor(private readonly options: ExtensionRuntimeOptions) {
    this.registry = options.metrics ?? new Registry();
    this.requestMetrics = new ExtensionRequestMetrics(this.registry);
    this.logger = options.logger ?? SILENT;
  }

  list(): ExtensionStatus[] {
    return [...this.installed.values()].map((e) => e.status.snapshot());
  }

  status(name: string): ExtensionStatus {
    return this.get(name).status.snapshot();
  }

  /** The package directory of the extension's current version (its JSBundle files live there), if installed here. */
  directoryOf(name: string): string | undefined {
    return this.installed.get(name)?.pkg.directory;
  }

  /** Installs the package in `directory`, or upgrades to it when its extension is installed already. */
  async load(directory: string, options: InstallOptions = {}): Promise<ExtensionStatus> {
    const pkg = await loadExtensionPackage(directory);
    return this.installed.has(pkg.manifest.name) ? this.upgradeTo(pkg, options) : this.installPackage(pkg, options);
  }

  async install(directory: string, options: InstallOptions = {}): Promise<ExtensionStatus> {
    const pkg = await loadExtensionPackage(directory);
    if (this.installed.has(pkg.manifest.name)) {
      throw new ConflictError(`extension "${pkg.manifest.name}" is already installed; upgrade it instead`);
    }
    return this.installPackage(pkg, options);
  }

  async upgrade(name: string, directory: string, options: InstallOptions = {}): Promise<ExtensionStatus> {
    this.get(name);
    const pkg = await loadExtensionPackage(directory);
    if (pkg.manifest.name !== name) {
      throw new InvalidError(`${directory} holds extension "${pkg.manifest.name}", not "${name}"`);
    }
    return this.upgradeTo(pkg, options);
  }

  /** Stops routing to the extension (callers get 503), drains and closes it; its kinds stay served. */
  async disable(name: string): Promise<ExtensionStatus> {
    const entry = this.get(name);
    const previous = entry.dispatcher.deactivate('it is disabled');
    entry.status.stopped('Disabled', 'disabled by an operator');
    if (previous) await this.retire(name, previous);
    return entry.status.snapshot();
  }

  async enable(name: string): Promise<ExtensionStatus> {
    const entry = this.get(name);
    if (entry.dispatcher.instance) return entry.status.snapshot();
    const instance = await this.boot(entry, entry.pkg, entry.config, 'BootFailed');
    entry.dispatcher.activate(instance);
    entry.status.serving(instance.version, instance.directory);
    return entry.status.snapshot();
  }

  /**
   * Removes the extension: no new requests, in-flight ones finish, then its
   * kinds, group, roles, entries and metrics go. Objects of its kinds are
   * kept unless `purge`.
   */
  async uninstall(name: string, options: { purge?: boolean } = {}): Promise<void> {
    const entry = this.get(name);
    const { group } = entry.pkg.manifest.backend;
    this.options.dispatchers.delete(group, entry.dispatcher);
    this.installed.delete(name);
    const previous = entry.dispatcher.deactivate('it is being uninstalled');
    if (previous) await this.retire(name, previous);
    for (const kind of entry.kinds) this.options.kinds.unregister(kind.group, kind.kind);
    if (options.purge) await purgeObjects(this.options.store, entry.kinds);
    await unpublish(this.options.store, entry.publications);
    this.options.groups.release(group, { type: 'extension', name });
    entry.metrics.remove();
    await this.requestMetrics.forget(name);
    this.logger.info({ extension: name, purge: options.purge === true }, 'extension uninstalled');
  }

  /**
   * Records an error that escaped every request against the extension whose
   * package its stack points into; returns that extension's name, or
   * undefined when the error is not an extension's.
   */
  absorbFault(err: unknown): string | undefined {
    for (const [name, entry] of this.installed) {
      const directories = [entry.pkg.directory, entry.dispatcher.instance?.directory].filter(
        (d): d is string => d !== undefined,
      );
      if (directories.some((directory) => stackMentions(err, directory))) {
        entry.dispatcher.fault('UncaughtError', err);
        return name;
      }
    }
    return undefined;
  }

  async close(): Promise<void> {
    for (const entry of this.installed.values()) {
      const previous = entry.dispatcher.deactivate('the kernel is shutting down');
      if (previous) await this.retire(entry.pkg.manifest.name, previous);
    }
  }

  private get(name: string): Installed {
    const entry = this.installed.get(name);
    if (!entry) throw new NotFoundError(`extension "${name}" is not installed`, { name });
    return entry;
  }

  private async installPackage(pkg: LoadedPackage, options: InstallOptions): Promise<ExtensionStatus> {
    const { name, backend } = pkg.manifest;
    const config = this.validateConfig(pkg, options.config);
    const owner = { type: 'extension' as const, name };
    this.options.groups.claim(backend.group, owner);
    const kinds = declaredKinds(pkg.manifest);
    const registered: KindDefinition[] = [];
    try {
      for (const kind of kinds) {
        this.options.kinds.register(kind);
        registered.push(kind);
      }
    } catch (err) {
      for (const kind of registered) this.options.kinds.unregister(kind.group, kind.kind);
      this.options.groups.release(backend.group, owner);
      throw err;
    }
    const status = new ExtensionStatusRecord({ name, group: backend.group, directory: pkg.directory }, (s) =>
      this.options.onStatus?.(s),
    );
    const authorizer = new KernelAuthorizerBridge(this.options.authorizer, {
      group: backend.group,
      apiVersion: backend.apiVersion ?? 'v1',
    });
    const dispatcher = new ExtensionDispatcher({
      extension: name,
      metrics: this.requestMetrics,
      status,
      authorizer,
      timeoutMs: (backend.timeoutSeconds ?? 0) * 1000 || (this.options.requestTimeoutMs ?? 30_000),
    });
    const publications = publicationsOf(pkg.manifest);
    const entry: Installed = {
      pkg,
      config,
      kinds,
      publications,
      dispatcher,
      status,
      metrics: new NamespacedMetrics(this.registry, name),
      authorizer,
    };
    this.installed.set(name, entry);
    this.options.dispatchers.set(backend.group, dispatcher);
    await publish(this.options.store, publications);
    const instance = await this.boot(entry, pkg, config, 'BootFailed');
    dispatcher.activate(instance);
    status.serving(instance.version, instance.directory);
    this.logger.info({ extension: name, version: instance.version }, 'extension installed');
    return status.snapshot();
  }

  /** Boots the new version beside the old, switches new requests to it, drains and closes the old. */
  private async upgradeTo(pkg: LoadedPackage, options: InstallOptions): Promise<ExtensionStatus> {
    const name = pkg.manifest.name;
    const entry = this.get(name);
    if (pkg.manifest.backend.group !== entry.pkg.manifest.backend.group) {
      throw new InvalidError(
        `extension "${name}" cannot move from group "${entry.pkg.manifest.backend.group}" to "${pkg.manifest.backend.group}" by an upgrade; uninstall it first`,
      );
    }
    const config = this.validateConfig(pkg, options.config ?? entry.config);
    const kinds = swapKinds(this.options.kinds, entry.kinds, declaredKinds(pkg.manifest));
    const publications = publicationsOf(pkg.manifest);
    let instance: ExtensionInstance;
    try {
      instance = await this.boot({ ...entry, kinds }, pkg, config, 'UpgradeFailed');
    } catch (err) {
      swapKinds(this.options.kinds, kinds, entry.kinds);
      throw err;
    }
    Object.assign(entry, { pkg, config, kinds });
    await publish(this.options.store, publications, entry.publications);
    entry.publications = publications;
    const previous = entry.dispatcher.activate(instance);
    entry.status.serving(instance.version, instance.directory);
    this.logger.info({ extension: name, version: instance.version, from: previous?.version }, 'extension upgraded');
    if (previous) await this.retire(name, previous);
    return entry.status.snapshot();
  }

  private async boot(
    entry: Installed,
    pkg: LoadedPackage,
    config: unknown,
    failure: 'BootFailed' | 'UpgradeFailed',
  ): Promise<ExtensionInstance> {
    const { name, version, backend } = pkg.manifest;
    const logger = this.logger.child({ extension: name, version });
    try {
      const application = await ExtensionApplication.boot({
        definition: pkg.definition,
        declaredPlurals: entry.kinds.map((k) => k.plural),
        onFault: (err) => entry.dispatcher.fault('HandlerError', err),
        services: {
          identity: { name, version, group: backend.group, apiVersion: backend.apiVersion ?? 'v1' },
          config,
          logger,
          metrics: entry.metrics,
          authorizer: entry.authorizer,
          resources: new StoreResourceClient(
            name,
            this.options.store,
            entry.kinds,
            this.options.validatorFor ?? compileResourceValidator,
          ),
        },
      });
      return new ExtensionInstance(version, pkg.directory, application);
    } catch (err) {
      const message = (err as Error).message;
      if (failure === 'BootFailed') {
        entry.dispatcher.deactivate(`version ${version} failed to boot`);
        entry.status.stopped('BootFailed', message);
      } else {
        entry.status.fail('UpgradeFailed', message, entry.dispatcher.instance !== undefined);
      }
      logger.error({ reason: failure }, message);
      throw err;
    }
  }

  /** Waits for the instance's in-flight requests (bounded), then closes it. */
  private async retire(name: string, instance: ExtensionInstance): Promise<void> {
    const drained = await instance.drain(this.options.drainTimeoutMs ?? 30_000);
    if (!drained) {
      this.logger.warn(
        { extension: name, version: instance.version, inFlight: instance.requestsInFlight },
        'closing an extension version with requests still in flight',
      );
    }
    await instance.close().catch((err: unknown) => this.logger.error({ extension: name, err }, 'closing failed'));
  }

  private validateConfig(pkg: LoadedPackage, config: unknown): unknown {
    const schema = pkg.manifest.configSchema ?? { type: 'object' };
    // One compiled validator per distinct schema: each upgrade parses a new
    // manifest object, and compiled schemas are never freed by the validator.
    const key = JSON.stringify(schema);
    let validate = this.configValidators.get(key);
    if (!validate) {
      validate = compileSchemaValidator(schema, `config of extension "${pkg.manifest.name}"`, 'config');
      this.configValidators.set(key, validate);
    }
    const value = structuredClone(config ?? {});
    validate(value);
    return value;
  }
}
