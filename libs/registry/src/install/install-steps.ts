import semver from 'semver';
import {
  AlreadyExistsError,
  InvalidError,
  compileSchemaValidator,
  type ExtensionManifest,
  type ExtensionVersion,
  type InstallPlan,
} from '@mortise/api';
import { deleteIfExists, getIfExists, type ResourceStore } from '@mortise/store';
import { ConfigSecrets, joinSecrets } from './config-secrets.js';
import {
  fitsKernel,
  newestFitting,
  resolveDependencies,
  type DependencyCatalog,
  type ResolvedDependency,
} from './dependency-resolver.js';
import {
  GATEWAY_KINDS,
  ROLE_TEMPLATE_KIND,
  serviceExtensionObjects,
  syncLabelledObjects,
  withDisabled,
} from './extension-objects.js';
import { ExtensionCredentials } from './extension-credentials.js';
import type { ExtensionHost } from './extension-host.js';
import { EXTENSION_VERSION_KIND, INSTALL_PLAN_KIND, versionRef } from './install-plan-names.js';
import { autoInstalledMetadata, isAutoInstalled, requiredByOf, withRequiredBy } from './auto-installed.js';
import type { EnsuredPackage } from '../package/package-store.js';
import { IDENTITY_KINDS, serviceIdentityObjects } from './service-identity.js';

/** Every kind an installed extension may have objects of, besides its own declared kinds. */
const OWNED_KINDS = [...GATEWAY_KINDS, ROLE_TEMPLATE_KIND, ...IDENTITY_KINDS];

export interface InstallStepsOptions {
  store: ResourceStore;
  host: ExtensionHost;
  kernelVersion: string;
  secrets: ConfigSecrets;
  /** The service extensions' OAuth client credentials; default: over `store`. */
  credentials?: ExtensionCredentials;
}

/** Where a plan's dependencies stand: those not installed yet (`name@version`), and the plans just created for them. */
export interface DependencyProgress {
  waiting: string[];
  created: string[];
}

/** The config schema of an extension that declares none. */
const ANY_CONFIG = { type: 'object' };

export function backendOf(manifest: ExtensionManifest): 'module' | 'service' {
  return manifest.backend?.type ?? (manifest.backend?.service ? 'service' : 'module');
}

/** The API groups an extension serves: its module's group, its APIServices' groups. */
export function groupsOf(manifest: ExtensionManifest): string[] {
  const groups = new Set<string>();
  if (manifest.backend?.group) groups.add(manifest.backend.group);
  for (const api of manifest.apiServices ?? []) if (typeof api['group'] === 'string') groups.add(api['group']);
  return [...groups];
}

/**
 * The idempotent pieces of installing, upgrading and uninstalling one
 * extension. Each can run again after a crash part way through and ends in
 * the same state.
 */
export class InstallSteps {
  private readonly credentials: ExtensionCredentials;

  constructor(private readonly options: InstallStepsOptions) {
    this.credentials = options.credentials ?? new ExtensionCredentials(options.store);
  }

  async versionOf(extension: string, version: string): Promise<ExtensionVersion> {
    const found = await getIfExists<ExtensionVersion>(this.options.store, versionRef(extension, version));
    if (found) return found;
    throw new InvalidError(
      `extension "${extension}" has no version ${version}; sync its repository or pick one of: ${
        (await this.versionsOf(extension)).map((v) => v.spec.version).join(', ') || 'none'
      }`,
    );
  }

  async versionsOf(extension: string): Promise<ExtensionVersion[]> {
    const { items } = await this.options.store.list(EXTENSION_VERSION_KIND);
    return (items as ExtensionVersion[]).filter((v) => v.spec.name === extension);
  }

  /** The name, the kernel range (unless told not to), the config against `configSchema` (write-only values included). */
  async check(
    plan: InstallPlan,
    version: ExtensionVersion,
    secrets?: Record<string, unknown>,
    { kernel = true }: { kernel?: boolean } = {},
  ): Promise<void> {
    if (plan.spec.extension.name !== plan.metadata.name) {
      throw new InvalidError(
        `an InstallPlan is named after its extension: "${plan.spec.extension.name}", not "${plan.metadata.name}"`,
      );
    }
    if (kernel) await this.checkKernel(version);
    const config = joinSecrets(plan.spec.config, secrets ?? (await this.options.secrets.read(plan.metadata.name)));
    compileSchemaValidator(
      version.spec.configSchema ?? ANY_CONFIG,
      `InstallPlan "${plan.metadata.name}" config`,
      'spec.config',
    )(config);
  }

  async checkKernel(version: ExtensionVersion): Promise<void> {
    if (fitsKernel(version.spec, this.options.kernelVersion)) return;
    throw new InvalidError(`${this.incompatibility(version, await this.versionsOf(version.spec.name))}`);
  }

  /** "x 2.0.0 needs kernel >=2 but this kernel is 1.0.0; 1.4.0 fits". */
  incompatibility(version: ExtensionVersion, versions: ExtensionVersion[]): string {
    const fitting = newestFitting(versions, this.options.kernelVersion);
    return (
      `${version.spec.name} ${version.spec.version} needs kernel ${version.spec.kernel ?? '*'} but this kernel is ${this.options.kernelVersion}; ` +
      (fitting ? `version ${fitting.spec.version} fits` : 'no released version fits')
    );
  }

  /**
   * Resolves the dependencies of `version`, creates auto-installed
   * InstallPlans for missing ones (recording on an auto-installed one that
   * it is needed by one more), and says which are not installed yet (none:
   * go ahead).
   */
  async ensureDependencies(version: ExtensionVersion): Promise<DependencyProgress> {
    const catalog: DependencyCatalog = {
      versionsOf: (name) => this.versionsOf(name),
      plannedVersion: async (name) => (await this.plan(name))?.spec.extension.version,
    };
    const needed = await resolveDependencies(version.spec, catalog, this.options.kernelVersion);
    const created: string[] = [];
    const leaving = new Set<string>();
    const installed = new Set<string>();
    // What needs a plan first: whatever a new plan is created for has its own plan already, so the
    // dependency collector never finds a new plan that nothing needs.
    for (const dep of [...needed].reverse()) {
      const existing = await this.plan(dep.name);
      if (!existing) {
        if (await this.createAutoInstalled(dep)) created.push(dep.name);
        else leaving.add(dep.name);
      } else if (isAutoInstalled(existing) && !requiredByOf(existing).includes(dep.dependant)) {
        await this.options.store.update({
          ...existing,
          metadata: withRequiredBy(existing.metadata, [...requiredByOf(existing), dep.dependant]),
        });
      }
      if (existing?.status?.state === 'Installed' && existing.status.version === dep.version) installed.add(dep.name);
    }
    return {
      waiting: needed
        .filter((dep) => !installed.has(dep.name))
        .map(
          (dep) =>
            `${dep.name}@${dep.version}${leaving.has(dep.name) ? ' (its previous plan is still being deleted)' : ''}`,
        ),
      created: created.reverse(),
    };
  }

  /** False when a plan of that name is still there, being deleted (say, collected a moment ago): wait for it to go. */
  private async createAutoInstalled(dep: ResolvedDependency): Promise<boolean> {
    try {
      await this.options.store.create({
        apiVersion: 'extensions.mortise.io/v1',
        kind: 'InstallPlan',
        metadata: autoInstalledMetadata(dep.name, dep.dependant),
        spec: { extension: { name: dep.name, version: dep.version }, enabled: true },
      });
      return true;
    } catch (err) {
      if (err instanceof AlreadyExistsError) return false;
      throw err;
    }
  }

  /**
   * Installed extensions whose installed version depends on `extension`. A
   * version whose metadata is gone depends on nothing known; a store that
   * fails fails the question, which guards an uninstall.
   */
  async dependents(extension: string): Promise<string[]> {
    const { items } = await this.options.store.list(INSTALL_PLAN_KIND);
    const found: string[] = [];
    for (const other of items as InstallPlan[]) {
      if (other.metadata.name === extension || other.metadata.deletionTimestamp || !other.status?.version) continue;
      const v = await getIfExists<ExtensionVersion>(
        this.options.store,
        versionRef(other.spec.extension.name, other.status.version),
      );
      if (v?.spec.dependencies?.[extension] !== undefined) found.push(other.metadata.name);
    }
    return found;
  }

  /**
   * Registers everything the package brings, as the plan says (enabled or
   * not, its config). An extension outside the kernel range is kept
   * registered but off: a module is not loaded at all, a service's gateway
   * objects are disabled.
   */
  async apply(plan: InstallPlan, pkg: EnsuredPackage, enabled: boolean, fits = true): Promise<void> {
    const name = plan.metadata.name;
    const manifest = pkg.manifest;
    const identity = serviceIdentityObjects(name, manifest.permissions);
    if (backendOf(manifest) === 'service') {
      await syncLabelledObjects(this.options.store, name, OWNED_KINDS, [
        ...withDisabled(serviceExtensionObjects(manifest), !enabled || !fits),
        ...identity,
      ]);
      // A remote backend calls the kernel as `ext:<name>` with this credential.
      await this.credentials.ensure(name);
      return;
    }
    // A module's role templates and entries are published by the runtime.
    await syncLabelledObjects(this.options.store, name, IDENTITY_KINDS, identity);
    // In-process code reaches the kernel through the SDK's services, never over HTTP: no secret to hold.
    await this.credentials.remove(name);
    if (fits) await this.options.host.load(plan, pkg, enabled);
    else await this.options.host.unload(name);
  }

  /** Removes everything the extension brought; with `purge`, also the objects of its declared kinds. */
  async remove(name: string, manifest: ExtensionManifest | undefined, purge: boolean): Promise<void> {
    await this.options.host.unload(name);
    if (purge && manifest) await this.purgeDeclared(manifest);
    await syncLabelledObjects(this.options.store, name, OWNED_KINDS, []);
    await this.credentials.remove(name);
    await this.options.secrets.remove(name);
  }

  private async purgeDeclared(manifest: ExtensionManifest): Promise<void> {
    const group = manifest.backend?.group;
    if (!group) return;
    for (const declared of manifest.resources ?? []) {
      const kind = { group, kind: String(declared['kind']) };
      const { items } = await this.options.store.list(kind);
      for (const item of items) {
        const scope = item.metadata.namespace ?? item.metadata.workspace;
        await deleteIfExists(this.options.store, { ...kind, name: item.metadata.name, ...(scope ? { scope } : {}) });
      }
    }
  }

  async plan(name: string): Promise<InstallPlan | undefined> {
    const plan = await getIfExists<InstallPlan>(this.options.store, { ...INSTALL_PLAN_KIND, name });
    return plan?.metadata.deletionTimestamp ? undefined : plan;
  }
}

/** Whether `candidate` is a newer valid version than `current`. */
export function isNewer(candidate: string | undefined, current: string): candidate is string {
  return (
    candidate !== undefined &&
    semver.valid(candidate) !== null &&
    semver.valid(current) !== null &&
    semver.gt(candidate, current)
  );
}
