import { runStoreContract } from '../testing/store-contract.js';
import { KubernetesStore, type KubernetesStoreOptions } from './kubernetes.store.js';
import { FakeKubeApiServer } from './testing/fake-kube-apiserver.js';
import { CONTRACT_KINDS, contractKindCrd, genericCrd, kubeConfigFor } from './testing/kube-test-kit.js';

// The one contract, through the API server double, for each place a kind can
// live: its own CRD, the generic CRD, and Secrets (internal kinds).
const variants: { name: string; kinds: KubernetesStoreOptions['kinds'] }[] = [
  { name: 'kubernetes, own CRDs', kinds: CONTRACT_KINDS },
  { name: 'kubernetes, generic CRD', kinds: [] },
  { name: 'kubernetes, Secrets', kinds: CONTRACT_KINDS.map((kind) => ({ ...kind, internal: true })) },
];

for (const variant of variants) {
  runStoreContract(variant.name, async (options) => {
    const server = await FakeKubeApiServer.start({
      customResourceDefinitions: [genericCrd(), ...CONTRACT_KINDS.map(contractKindCrd)],
      bookmarkIntervalMs: 20,
      ...(options.historyEvents ? { historyLimit: options.historyEvents } : {}),
    });
    const store = new KubernetesStore({
      kubeConfig: kubeConfigFor(server.url, 'mortise-system'),
      namespace: 'mortise-system',
      kinds: variant.kinds,
    });
    const close = store.close.bind(store);
    store.close = async () => {
      await close();
      await server.close();
    };
    return store;
  });
}
