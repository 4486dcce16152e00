import { resolve } from 'node:path';
import { kernelKinds } from '@mortise/api';
import type { StoreObserver } from '@mortise/observability';
import { createStore, type ResourceStore } from '@mortise/store';
import type { KernelConfig } from './config/kernel-config.schema.js';

/**
 * Opens the configured backend; the sqlite file lives in the data directory.
 * On kubernetes the kernel's kinds have their own CRDs (deploy/crds) and the
 * cluster comes from the pod's service account or `KUBECONFIG`.
 */
export function openStore(config: KernelConfig, observer: StoreObserver): Promise<ResourceStore> {
  switch (config.store) {
    case 'memory':
      return createStore({ type: 'memory', observer });
    case 'sqlite':
      return createStore({ type: 'sqlite', dataDir: resolve(config.dataDir), observer });
    case 'kubernetes':
      return createStore({
        type: 'kubernetes',
        kinds: kernelKinds,
        observer,
        ...(config.storeNamespace ? { namespace: config.storeNamespace } : {}),
        ...(config.storeKubeconfig ? { kubeconfigPath: config.storeKubeconfig } : {}),
      });
    default: {
      const unreachable: never = config.store;
      return unreachable;
    }
  }
}
