import { kernelKinds, type KindDefinition } from '@mortise/api';
import yaml from 'js-yaml';
import { crdManifests } from '../crd-manifests.js';
import { FakeKubeApiServer, type FakeKubeApiServerOptions } from './fake-kube-apiserver.js';
import type { CustomResourceDefinition } from './fake-kube-types.js';

/**
 * The API-server double with the CRDs of `deploy/crds` installed, for tests
 * that run whole kernels (several, as replicas) on the kubernetes store.
 */
export function startKubeApiServerDouble(
  options: Omit<FakeKubeApiServerOptions, 'customResourceDefinitions'> & { kinds?: readonly KindDefinition[] } = {},
): Promise<FakeKubeApiServer> {
  const { kinds = kernelKinds, ...rest } = options;
  const crds = crdManifests(kinds).map((m) => yaml.load(m.content) as CustomResourceDefinition);
  return FakeKubeApiServer.start({ ...rest, customResourceDefinitions: crds });
}

/** A kubeconfig (JSON, which kubeconfig loaders read as YAML) for a server on loopback, in `namespace`. */
export function kubeconfigFor(server: string, namespace: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'double', cluster: { server, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'double', user: { token: 'double-token' } }],
    contexts: [{ name: 'double', context: { cluster: 'double', user: 'double', namespace } }],
    'current-context': 'double',
  });
}
