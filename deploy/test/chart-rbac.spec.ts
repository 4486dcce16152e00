import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { CHART_DIR, only, render } from './chart-fixture.js';
import { REPO_ROOT } from './repo-root.js';

interface Crd {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: {
    group: string;
    scope: string;
    names: { plural: string };
    versions: { name: string; subresources?: { status?: object } }[];
  };
}

interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

const CHART_CRDS = join(CHART_DIR, 'crds');
const GENERATED_CRDS = join(REPO_ROOT, 'deploy/crds');
const MORTISE_GROUP = /\.mortise\.io$/;
const STORE_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort();
}

const crds = yamlFiles(CHART_CRDS).map((f) => parseYaml(readFileSync(join(CHART_CRDS, f), 'utf8')) as Crd);

describe('deploy/helm/mortise CRDs', () => {
  it('are the generated deploy/crds; after changing a kind run `npm run generate:crds`', () => {
    assert.deepEqual(yamlFiles(CHART_CRDS), yamlFiles(GENERATED_CRDS));
    for (const file of yamlFiles(GENERATED_CRDS)) {
      assert.equal(
        readFileSync(join(CHART_CRDS, file), 'utf8'),
        readFileSync(join(GENERATED_CRDS, file), 'utf8'),
        `${file} differs: run \`npm run generate:crds\``,
      );
    }
  });

  it('are namespaced apiextensions.k8s.io/v1 CRDs of Mortise groups, including the generic objects.store.mortise.io', () => {
    assert.ok(crds.length > 1);
    for (const crd of crds) {
      assert.equal(crd.apiVersion, 'apiextensions.k8s.io/v1', crd.metadata.name);
      assert.equal(crd.kind, 'CustomResourceDefinition');
      assert.equal(crd.metadata.name, `${crd.spec.names.plural}.${crd.spec.group}`);
      assert.match(crd.spec.group, MORTISE_GROUP);
      assert.equal(crd.spec.scope, 'Namespaced', `${crd.metadata.name}: the kernel keeps state in its namespace`);
    }
    assert.ok(crds.some((crd) => crd.metadata.name === 'objects.store.mortise.io'));
  });
});

describe('deploy/helm/mortise RBAC', () => {
  const role = only(render(), 'Role');
  const rules = role.rules as PolicyRule[];

  it('grants nothing by wildcard', () => {
    for (const rule of rules) {
      for (const field of [rule.apiGroups, rule.resources, rule.verbs]) assert.ok(!field.includes('*'), field.join());
    }
  });

  it('grants the store verbs on exactly the chart CRDs and their status subresources', () => {
    const granted = new Set<string>();
    for (const rule of rules.filter((r) => r.apiGroups.some((g) => MORTISE_GROUP.test(g)))) {
      assert.deepEqual(rule.verbs, STORE_VERBS);
      for (const group of rule.apiGroups) for (const resource of rule.resources) granted.add(`${group} ${resource}`);
    }
    const needed = new Set<string>();
    for (const crd of crds) {
      needed.add(`${crd.spec.group} ${crd.spec.names.plural}`);
      if (crd.spec.versions.some((v) => v.subresources?.status)) {
        needed.add(`${crd.spec.group} ${crd.spec.names.plural}/status`);
      }
    }
    assert.deepEqual([...granted].sort(), [...needed].sort());
  });

  it('grants outside the Mortise groups only Secrets and Leases', () => {
    const others = rules.filter((r) => !r.apiGroups.some((g) => MORTISE_GROUP.test(g)));
    assert.deepEqual(
      others.map((r) => ({ apiGroups: r.apiGroups, resources: r.resources })),
      [
        { apiGroups: [''], resources: ['secrets'] },
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'] },
      ],
    );
    for (const rule of others) assert.deepEqual(rule.verbs, STORE_VERBS);
  });

  it("allows what the kernel's leader election does with its Lease: read, create, renew (update)", () => {
    const leases = rules.find((r) => r.apiGroups.includes('coordination.k8s.io') && r.resources.includes('leases'));
    assert.ok(leases, 'no rule for leases');
    for (const verb of ['get', 'create', 'update']) assert.ok(leases.verbs.includes(verb), verb);
  });
});
