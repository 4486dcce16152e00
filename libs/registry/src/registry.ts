import { pathToFileURL } from 'node:url';
import { AlreadyExistsError, type Repository } from '@mortise/api';
import type { ResourceStore } from '@mortise/store';
import { Marketplace } from './marketplace/marketplace.js';
import { PackageStore } from './package/package-store.js';
import type { PublisherKey, TrustPolicy, TrustedKey } from './package/publisher-key.js';
import { EXTENSIONS_API_VERSION, RepositoryRef, SYNC_REQUEST_ANNOTATION } from './repository/catalogue-names.js';
import {
  loadOrCreatePublisherKey,
  readTrustedKeyDirectory,
  registryPaths,
  seedRepository,
} from './repository/local-repository.js';
import { DirectorySecretSource, versionAccess } from './repository/repository-access.js';
import { RepositorySyncController } from './repository/repository-sync.controller.js';
import type { RegistrySettings } from './registry-settings.schema.js';

export const LOCAL_REPOSITORY = 'local';

export interface RegistryOptions {
  store: ResourceStore;
  dataDir: string;
  kernelVersion: string;
  settings: RegistrySettings;
  /** Published into the local repository when `settings.seed` is not given. */
  defaultSeed?: readonly string[];
  onError?: (error: unknown, context: string) => void;
}

/**
 * The registry as one kernel runs it: the trust policy (configured keys,
 * `<dataDir>/trusted-keys/*.pem`, the local publisher key), the package
 * store, the marketplace, the repository sync controller (leader-only), and
 * the local repository in the data dir.
 */
export class Registry {
  readonly packages: PackageStore;
  readonly marketplace: Marketplace;
  readonly syncController: RepositorySyncController;
  private trusted: TrustedKey[];
  private localKey: PublisherKey | undefined;

  private constructor(
    private readonly options: RegistryOptions,
    trusted: TrustedKey[],
  ) {
    this.trusted = trusted;
    const paths = registryPaths(options.dataDir);
    const secrets = new DirectorySecretSource(paths.secrets);
    this.packages = new PackageStore({
      directory: paths.packages,
      policy: () => this.policy(),
      accessFor: (version) => versionAccess(options.store, version, secrets),
    });
    this.marketplace = new Marketplace(options.store);
    this.syncController = new RepositorySyncController({
      store: options.store,
      kernelVersion: options.kernelVersion,
      policy: () => this.policy(),
      secrets,
      ...(options.onError ? { onError: options.onError } : {}),
    });
  }

  /** Reads the trusted keys and, with a local repository, loads or creates the local publisher key. */
  static async open(options: RegistryOptions): Promise<Registry> {
    const paths = registryPaths(options.dataDir);
    const configured = options.settings.trustedKeys ?? [];
    const registry = new Registry(options, [...configured, ...(await readTrustedKeyDirectory(paths.trustedKeys))]);
    if (options.settings.localRepository !== false) {
      registry.localKey = await loadOrCreatePublisherKey(options.dataDir);
      registry.trusted.push({ ...registry.localKey, name: 'local publisher' });
    }
    return registry;
  }

  policy(): TrustPolicy {
    return { trustedKeys: this.trusted, allowUnsigned: this.options.settings.allowUnsigned === true };
  }

  /** The data dir's publisher key (absent without a local repository): `mortise` signs local packages with it. */
  get localPublisherKey(): PublisherKey | undefined {
    return this.localKey;
  }

  /**
   * Seeds the local repository (once per sample version) and makes sure the
   * Repository `local` exists; asks for a sync when something new was seeded.
   */
  async prepareLocalRepository(): Promise<void> {
    const key = this.localKey;
    if (!key) return;
    const paths = registryPaths(this.options.dataDir);
    const seeded = await seedRepository(
      paths.repository,
      this.options.settings.seed ?? this.options.defaultSeed ?? [],
      key,
    );
    const repository: Repository = {
      apiVersion: EXTENSIONS_API_VERSION,
      kind: 'Repository',
      metadata: { name: LOCAL_REPOSITORY },
      spec: { url: pathToFileURL(`${paths.repository}/`).href },
    };
    try {
      await this.options.store.create(repository);
    } catch (error) {
      if (!(error instanceof AlreadyExistsError)) throw error;
      if (seeded.length > 0) {
        await this.options.store.patch(
          { ...RepositoryRef, name: LOCAL_REPOSITORY },
          {
            type: 'merge',
            patch: { metadata: { annotations: { [SYNC_REQUEST_ANNOTATION]: new Date().toISOString() } } },
          },
        );
      }
    }
  }
}
