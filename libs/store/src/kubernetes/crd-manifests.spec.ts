import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { kernelKinds, type Resource } from '@mortise/api';
import yaml from 'js-yaml';
import { crdManifests } from './crd-manifests.js';
import { KubernetesStore } from './kubernetes.store.js';
import { FakeKubeApiServer } from './testing/fake-kube-apiserver.js';
import type { CustomResourceDefinition } from './testing/fake-kube-types.js';
import { kubeConfigFor } from './testing/kube-test-kit.js';

// dist/kubernetes/ → the repository root.
const CRD_DIR = fileURLToPath(new URL('../../../../deploy/crds/', import.meta.url));

describe(crdManifests.name, () => {
  const manifests = crdManifests();

  it('matches the committed deploy/crds; after changing a kind run `npm run generate:crds`', () => {
    const committed = readdirSync(CRD_DIR)
      .filter((f) => f.endsWith('.yaml'))
      .sort();
    assert.deepEqual(
      committed,
      manifests.map((m) => m.fileName),
      'deploy/crds has other files than generated: run `npm run generate:crds`',
    );
    for (const { fileName, content } of manifests) {
      assert.equal(
        readFileSync(join(CRD_DIR, fileName), 'utf8'),
        content,
        `${fileName} is stale: run \`npm run generate:crds\``,
      );
    }
  });

  it('has one CRD per served kernel kind, none for internal kinds, and the generic one', () => {
    const names = new Set(manifests.map((m) => m.fileName.replace(/\.yaml$/, '')));
    for (const def of kernelKinds) assert.equal(names.has(`${def.plural}.${def.group}`), !def.internal, def.kind);
    assert.ok(names.has('objects.store.mortise.io'));
  });

  it('keeps kernel objects whole through their generated CRDs on the API server', async () => {
    const crds = manifests.map((m) => yaml.load(m.content) as CustomResourceDefinition);
    const server = await FakeKubeApiServer.start({ customResourceDefinitions: crds });
    const store = new KubernetesStore({
      kubeConfig: kubeConfigFor(server.url, 'mortise-system'),
      namespace: 'mortise-system',
      kinds: kernelKinds,
    });
    try {
      const samples: Resource[] = [
        {
          apiVersion: 'tenant.mortise.io/v1',
          kind: 'Workspace',
          metadata: { name: 'team-a', labels: { tier: 'gold' } },
          spec: { manager: 'alice', displayName: 'Team A' },
          status: { phase: 'Active' },
        },
        {
          apiVersion: 'iam.mortise.io/v1',
          kind: 'WorkspaceRole',
          metadata: { name: 'viewer', workspace: 'team-a' },
          rules: [{ apiGroups: ['tenant.mortise.io'], resources: ['projects'], verbs: ['get', 'list'] }],
        },
        {
          apiVersion: 'iam.mortise.io/v1',
          kind: 'RoleBinding',
          metadata: { name: 'alice-admin', namespace: 'web', workspace: 'team-a' },
          roleRef: { apiGroup: 'iam.mortise.io', kind: 'Role', name: 'project-admin' },
          subjects: [{ kind: 'User', name: 'alice' }],
        },
      ];
      for (const sample of samples) {
        const created = await store.create(sample);
        const { uid: _u, resourceVersion: _r, generation: _g, creationTimestamp: _c, ...metadata } = created.metadata;
        assert.deepEqual({ ...created, metadata }, sample, `${sample.kind} lost fields in its CRD`);
      }
    } finally {
      await store.close();
      await server.close();
    }
  });
});
