import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { ApiextensionsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { runStoreContract } from '../testing/store-contract.js';
import { KubernetesStore, type KubernetesStoreOptions } from './kubernetes.store.js';
import { CONTRACT_KINDS, contractKindCrd } from './testing/kube-test-kit.js';

// The store contract against a real cluster: `KUBECONFIG=... npm run test:k8s`
// (see libs/store/README.md). Each store gets a namespace of its own, deleted
// when the store closes. Skipped in normal runs: there is no cluster here.
const enabled = process.env.MORTISE_K8S_CONTRACT === '1';

if (!enabled) {
  describe('ResourceStore contract: kubernetes on a real cluster', () => {
    it('runs only with KUBECONFIG=... npm run test:k8s', { skip: 'no cluster configured' }, () => {});
  });
} else {
  const config = new KubeConfig();
  config.loadFromDefault();
  const core = config.makeApiClient(CoreV1Api);
  const variants: { name: string; kinds: KubernetesStoreOptions['kinds'] }[] = [
    { name: 'generic CRD', kinds: [] },
    { name: 'Secrets', kinds: CONTRACT_KINDS.map((kind) => ({ ...kind, internal: true })) },
  ];
  if (process.env.MORTISE_K8S_CONTRACT_CRDS === '1') variants.push({ name: 'own CRDs', kinds: CONTRACT_KINDS });
  let crdsInstalled: Promise<void> | undefined;

  for (const variant of variants) {
    runStoreContract(`kubernetes cluster, ${variant.name}`, async () => {
      if (variant.kinds === CONTRACT_KINDS) await (crdsInstalled ??= installContractCrds(config));
      const namespace = `mortise-contract-${randomBytes(4).toString('hex')}`;
      await core.createNamespace({ body: { metadata: { name: namespace } } });
      const store = new KubernetesStore({ kubeConfig: config, namespace, kinds: variant.kinds });
      const close = store.close.bind(store);
      store.close = async () => {
        await close();
        await core.deleteNamespace({ name: namespace });
      };
      return store;
    });
  }
}

/** The contract kinds' CRDs (needs rights on CRDs), waited on until the server serves them. */
async function installContractCrds(config: KubeConfig): Promise<void> {
  const api = config.makeApiClient(ApiextensionsV1Api);
  for (const crd of CONTRACT_KINDS.map(contractKindCrd)) {
    try {
      await api.createCustomResourceDefinition({ body: crd });
    } catch (err) {
      if ((err as { code?: number }).code !== 409) throw err;
    }
    for (let i = 0; i < 50; i++) {
      const current = await api.readCustomResourceDefinition({ name: crd.metadata.name });
      if (current.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
