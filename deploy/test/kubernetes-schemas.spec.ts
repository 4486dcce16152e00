import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { CustomResourceDefinition } from 'kubernetes-models/apiextensions.k8s.io/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { ConfigMap, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { CHART_DIR, render } from './chart-fixture.js';
import type { KubeManifest } from './chart-template.js';

/** Models carrying the Kubernetes OpenAPI schema of each kind the chart ships. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'apps/v1 Deployment': Deployment,
  'v1 ConfigMap': ConfigMap,
  'v1 Secret': Secret,
  'v1 Service': Service,
  'v1 ServiceAccount': ServiceAccount,
  'policy/v1 PodDisruptionBudget': PodDisruptionBudget,
  'rbac.authorization.k8s.io/v1 Role': Role,
  'rbac.authorization.k8s.io/v1 RoleBinding': RoleBinding,
  'apiextensions.k8s.io/v1 CustomResourceDefinition': CustomResourceDefinition,
};

function validate(manifest: KubeManifest): void {
  const Model = MODELS[`${manifest.apiVersion} ${manifest.kind}`];
  assert.ok(Model, `no schema for ${manifest.apiVersion} ${manifest.kind}`);
  assert.doesNotThrow(() => new Model(manifest as never).validate(), `${manifest.kind} ${manifest.metadata.name}`);
}

describe('deploy/helm/mortise against the Kubernetes API schemas', () => {
  it('renders only objects the API server accepts in shape', () => {
    for (const manifest of render()) validate(manifest);
  });

  it('ships CRDs the API server accepts in shape', () => {
    const dir = join(CHART_DIR, 'crds');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
      validate(parseYaml(readFileSync(join(dir, file), 'utf8')) as KubeManifest);
    }
  });

  it('would notice a malformed object', () => {
    const [deployment] = render().filter((m) => m.kind === 'Deployment');
    deployment.spec.template.spec.containers[0].ports[0].containerPort = 'http';
    assert.throws(() => validate(deployment), /containerPort/);
  });
});
