export * from './resource-store.js';
export { getIfExists } from './get-if-exists.js';
export { deleteIfExists } from './delete-if-exists.js';
export { MemoryStore } from './memory.store.js';
export { TableStore, type TableStoreOptions } from './table.store.js';
export type { WatchHistoryOptions } from './watch-hub.js';
export type { StoreObserver } from './store-observer.js';
export { compileLabelSelector, type LabelMatcher } from './label-selector.js';
export { compileFieldSelector, type FieldMatcher } from './field-selector.js';
export { applyPatch } from './json-patch.js';
export { patchResource } from './patch-resource.js';
export { objectKey, kindLabel } from './object-key.js';
export { SqliteStore, DataDirLockedError, SQLITE_FILE_NAME, type SqliteStoreOptions } from './sqlite.store.js';
export { LATEST_SCHEMA_VERSION } from './sqlite-migrations.js';
export { createStore, supportsBackup, type StoreConfig, type BackupCapable } from './create-store.js';
export type { ObjectTable } from './object-table.js';
export type { ChangeRecord } from './change-record.js';
// The Kubernetes backend is loaded on demand by createStore: its client library
// costs about a second and 70 MB at start-up, which sqlite users never need.
export type { KubernetesStore, KubernetesStoreOptions } from './kubernetes/kubernetes.store.js';
export { genericObjectCustomResourceDefinition } from './kubernetes/generic-object.crd.js';
export { crdManifests, type CrdManifest } from './kubernetes/crd-manifests.js';
export { createLeaseLeaderElection } from './leader-election.js';
export type { LeaseLeaderElection, LeaseLeaderElectionOptions } from './kubernetes/lease-leader-election.js';
// The API-server double, for tests of several kernels on the kubernetes store (no client library loaded).
export { FakeKubeApiServer, type FakeKubeApiServerOptions } from './kubernetes/testing/fake-kube-apiserver.js';
export { startKubeApiServerDouble, kubeconfigFor } from './kubernetes/testing/kernel-api-server.js';
