export * from './package/package-error.js';
export * from './package/publisher-key.js';
export * from './package/package-manifest.js';
export { DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from './package/archive-reader.js';
export { packExtension, signPackage, type PackResult, type SignResult } from './package/pack-extension.js';
export { verifyPackage, unpackPackage, type VerifiedPackage, type VerifyOptions } from './package/verify-package.js';
export { readLocation, resolveLocation, type LocationAccess } from './package/location-reader.js';
export { PackageStore, type PackageStoreOptions, type EnsuredPackage } from './package/package-store.js';
export * from './repository/repository-index.js';
export {
  publishToRepository,
  readIndex,
  writeIndex,
  type PublishOptions,
  type PublishResult,
} from './repository/publish-to-repository.js';
export { writeExtensionSource, type ExtensionSourceOptions } from './testing/extension-source.js';
export * from './repository/catalogue-names.js';
export { recommendedVersion, sortVersionsDescending, type VersionSummary } from './repository/recommended-version.js';
export { DirectorySecretSource, repositoryAccess, type SecretSource } from './repository/repository-access.js';
export { checkIndexSignature, type IndexSignatureCheck } from './repository/index-signature.js';
export {
  applyRepositoryIndex,
  refreshExtension,
  installedVersions,
  type CatalogueChange,
  type CatalogueSource,
} from './repository/catalogue-writer.js';
export {
  syncRepository,
  forgetRepository,
  indexUrlOf,
  type SyncResult,
  type SyncFailure,
  type RepositorySyncOptions,
} from './repository/repository-sync.js';
export {
  RepositorySyncController,
  type RepositorySyncControllerOptions,
} from './repository/repository-sync.controller.js';
export * from './marketplace/marketplace.js';
export { registerMarketplaceRoutes, MARKETPLACE_PATH } from './marketplace/marketplace.routes.js';
export { RegistrySettingsSchema, type RegistrySettings } from './registry-settings.schema.js';
export {
  registryPaths,
  loadOrCreatePublisherKey,
  readTrustedKeyDirectory,
  seedRepository,
} from './repository/local-repository.js';
export { Registry, LOCAL_REPOSITORY, type RegistryOptions } from './registry.js';
export {
  UNINSTALL_FINALIZER,
  AUTO_INSTALLED_LABEL,
  REQUIRED_BY_ANNOTATION,
  UNINSTALL_REASON_ANNOTATION,
  PURGE_ANNOTATION,
  RETRY_ANNOTATION,
  SECRET_REVISION_ANNOTATION,
  FORCE_DELETE_ANNOTATION,
  GATEWAY_DISABLED_ANNOTATION,
  serviceIdentityOf,
  credentialClientIdOf,
} from './install/install-plan-names.js';
export * from './install/package-source.js';
export * from './install/dependency-resolver.js';
export * from './install/config-secrets.js';
export * from './install/extension-objects.js';
export * from './install/service-identity.js';
export { SecretSealer } from './install/secret-sealer.js';
export { ExtensionCredentials, type ExtensionCredentialView } from './install/extension-credentials.js';
export {
  registerExtensionCredentialRoutes,
  EXTENSION_CREDENTIALS_PATH,
} from './install/extension-credential.routes.js';
export * from './install/extension-host.js';
export * from './install/install-steps.js';
export * from './install/install-plan.controller.js';
export * from './install/install-plan.admission.js';
export * from './install/workspace-gate.js';
export { PlanStatusWriter, STATE_HISTORY_LIMIT } from './install/plan-status.js';
export * from './install/automatic-upgrades.js';
export { AUTO_INSTALLED_CONDITION, isAutoInstalled, requiredByOf } from './install/auto-installed.js';
export { DependencyCollector, type DependencyCollectorOptions } from './install/dependency-collector.js';
export { autoInstalledNeeds, type AutoInstalledNeed, type DependenciesOf } from './install/dependency-needs.js';
