import { KubeConfig } from '@kubernetes/client-node';
import { genericObjectCustomResourceDefinition } from '../generic-object.crd.js';
import type { KubernetesStoreOptions } from '../kubernetes.store.js';
import type { CustomResourceDefinition, StructuralSchema } from './fake-kube-types.js';

type KindEntry = NonNullable<KubernetesStoreOptions['kinds']>[number];

/** The contract suite's kinds, for runs that give them their own CRDs. */
export const CONTRACT_KINDS: KindEntry[] = [
  { group: 'test.mortise.io', version: 'v1', kind: 'Widget', plural: 'widgets' },
  { group: 'test.mortise.io', version: 'v1', kind: 'Gadget', plural: 'gadgets' },
  { group: 'test.mortise.io', version: 'v1', kind: 'TestRole', plural: 'testroles' },
];

/** A CRD for a contract kind: any fields, status as a subresource (as generated CRDs have it). */
export function contractKindCrd(kind: KindEntry): CustomResourceDefinition {
  return namespacedCrd(kind, {
    type: 'object',
    'x-kubernetes-preserve-unknown-fields': true,
    properties: { status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
  });
}

/** A namespaced CRD with the status subresource and one served version. */
export function namespacedCrd(
  kind: Pick<KindEntry, 'group' | 'version' | 'kind' | 'plural'>,
  openAPIV3Schema: StructuralSchema,
): CustomResourceDefinition {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${kind.plural}.${kind.group}` },
    spec: {
      group: kind.group,
      scope: 'Namespaced',
      names: { kind: kind.kind, plural: kind.plural },
      versions: [
        { name: kind.version, served: true, storage: true, subresources: { status: {} }, schema: { openAPIV3Schema } },
      ],
    },
  };
}

export function genericCrd(): CustomResourceDefinition {
  return genericObjectCustomResourceDefinition() as unknown as CustomResourceDefinition;
}

/** A kubeconfig pointing at a server on loopback (the fake API server). */
export function kubeConfigFor(server: string, namespace: string): KubeConfig {
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: 'fake', server, skipTLSVerify: true }],
    users: [{ name: 'fake', token: 'fake-token' }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'fake', namespace }],
    currentContext: 'fake',
  });
  return config;
}
