import { resolve } from 'node:path';
import type { StoreObserver } from '@mortise/observability';
import { createStore, type ResourceStore } from '@mortise/store';
import type { KernelConfig } from './config/kernel-config.schema.js';

/** Opens the configured backend; the sqlite file lives in the data directory. */
export function openStore(config: KernelConfig, observer: StoreObserver): Promise<ResourceStore> {
  switch (config.store) {
    case 'memory':
      return createStore({ type: 'memory', observer });
    case 'sqlite':
      return createStore({ type: 'sqlite', dataDir: resolve(config.dataDir), observer });
    default: {
      const unreachable: never = config.store;
      return unreachable;
    }
  }
}
