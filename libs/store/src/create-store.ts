import type { KubernetesStoreOptions } from './kubernetes/kubernetes.store.js';
import { MemoryStore } from './memory.store.js';
import type { ResourceStore } from './resource-store.js';
import { SqliteStore } from './sqlite.store.js';
import type { TableStoreOptions } from './table.store.js';

export type StoreConfig =
  | ({ type: 'memory' } & TableStoreOptions)
  | ({ type: 'sqlite'; dataDir: string } & TableStoreOptions)
  | ({ type: 'kubernetes' } & KubernetesStoreOptions);

/** A store that can copy itself to a file while serving (sqlite). */
export interface BackupCapable {
  backup(destinationPath: string): Promise<void>;
}

/** Opens the configured backend. Async so backends that connect over the network fit the same call. */
export async function createStore(config: StoreConfig): Promise<ResourceStore> {
  switch (config.type) {
    case 'memory':
      return new MemoryStore(config);
    case 'sqlite':
      return SqliteStore.open(config);
    case 'kubernetes': {
      // Loaded on demand: the client library is heavy and only this backend needs it.
      const { KubernetesStore } = await import('./kubernetes/kubernetes.store.js');
      return new KubernetesStore(config);
    }
    default: {
      const unreachable: never = config;
      throw new Error(`unknown store type ${(unreachable as { type: string }).type}; use memory, sqlite or kubernetes`);
    }
  }
}

export function supportsBackup(store: ResourceStore): store is ResourceStore & BackupCapable {
  return typeof (store as Partial<BackupCapable>).backup === 'function';
}
