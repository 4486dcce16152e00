import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@mortise/kernel';
import { last, parseDockerfile } from './dockerfile.js';
import { RELEASE, chart, only, render, valuesWith } from './chart-fixture.js';
import { REPO_ROOT } from './repo-root.js';

const manifests = render();
const deployment = only(manifests, 'Deployment');
const pod = deployment.spec.template;
const container = pod.spec.containers[0];

describe('deploy/helm/mortise templates', () => {
  it('render with the default values into namespaced objects of the release', () => {
    assert.deepEqual(manifests.map((m) => m.kind).sort(), [
      'ConfigMap',
      'Deployment',
      'PodDisruptionBudget',
      'Role',
      'RoleBinding',
      'Secret',
      'Service',
      'ServiceAccount',
    ]);
    for (const m of manifests) {
      assert.equal(m.metadata.namespace, RELEASE.Namespace, `${m.kind} ${m.metadata.name}`);
      assert.equal(m.metadata.labels?.['app.kubernetes.io/instance'], RELEASE.Name, m.kind);
    }
  });

  it('probe /healthz for liveness and start-up and /readyz for readiness, on the port the kernel listens on', () => {
    assert.equal(container.livenessProbe.httpGet.path, '/healthz');
    assert.equal(container.startupProbe.httpGet.path, '/healthz');
    assert.equal(container.readinessProbe.httpGet.path, '/readyz');
    const port = container.ports.find((p: { name: string }) => p.name === container.readinessProbe.httpGet.port);
    assert.equal(port.containerPort, kernelConfig().port);
  });

  it('run pods as the image user, non-root, without privilege escalation, on a read-only root', () => {
    const user = last(parseDockerfile(join(REPO_ROOT, 'deploy/Dockerfile')).at(-1)!, 'USER')!.args;
    assert.equal(pod.spec.securityContext.runAsNonRoot, true);
    assert.equal(String(pod.spec.securityContext.runAsUser), user.split(':')[0]);
    assert.equal(pod.spec.securityContext.seccompProfile.type, 'RuntimeDefault');
    assert.equal(container.securityContext.allowPrivilegeEscalation, false);
    assert.equal(container.securityContext.readOnlyRootFilesystem, true);
    assert.deepEqual(container.securityContext.capabilities.drop, ['ALL']);
  });

  it('request cpu and memory and limit memory', () => {
    assert.ok(container.resources.requests.cpu);
    assert.ok(container.resources.requests.memory);
    assert.ok(container.resources.limits.memory);
  });

  it('spread replicas over nodes, and select exactly the release pods everywhere', () => {
    const podLabels = pod.metadata.labels as Record<string, string>;
    const term = pod.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm;
    assert.equal(term.topologyKey, 'kubernetes.io/hostname');
    const selectors = [
      term.labelSelector.matchLabels,
      deployment.spec.selector.matchLabels,
      only(manifests, 'Service').spec.selector,
      only(manifests, 'PodDisruptionBudget').spec.selector.matchLabels,
    ];
    for (const selector of selectors) assert.deepEqual(selector, podLabels);
    assert.equal(deployment.spec.replicas, chart.values.replicaCount);
  });

  it('keep serving while endpoints drop the pod, then give in-flight requests time to finish', () => {
    const [command, seconds] = container.lifecycle.preStop.exec.command as string[];
    assert.equal(command, 'sleep');
    assert.ok(Number(seconds) > 0);
    assert.ok(pod.spec.terminationGracePeriodSeconds > Number(seconds) + kernelConfig().shutdownTimeoutSeconds);
  });

  it('configure the kernel through a mortise.yaml the kernel accepts, on the kubernetes store', () => {
    const config = kernelConfig();
    assert.equal(config.store, 'kubernetes');
    // The namespace the Role grants in, said explicitly rather than left to the pod's default.
    assert.equal(config.storeNamespace, RELEASE.Namespace);
    assert.equal(config.logLevel, 'info');
    assert.equal(config.bodyLimit, 1048576);
    // Helm prints large numbers from values as floats unless piped through int.
    const big = kernelConfig(render(valuesWith((v) => (v.config.bodyLimit = 104857600))));
    assert.equal(big.bodyLimit, 104857600);
  });

  it('pass the admin password from the chart Secret, quoted whatever it holds', () => {
    const env = container.env.find((e: { name: string }) => e.name === 'MORTISE_ADMIN_PASSWORD');
    const secret = only(manifests, 'Secret');
    assert.equal(env.valueFrom.secretKeyRef.name, secret.metadata.name);
    assert.equal(secret.stringData[env.valueFrom.secretKeyRef.key], '');
    const tricky = 'p@ss: "word" #1';
    const rendered = only(render(valuesWith((v) => (v.admin.password = tricky))), 'Secret');
    assert.equal(rendered.stringData.password, tricky);
  });

  it('run the pod under the service account the RoleBinding grants', () => {
    const binding = only(manifests, 'RoleBinding');
    assert.deepEqual(binding.subjects, [
      { kind: 'ServiceAccount', name: pod.spec.serviceAccountName, namespace: RELEASE.Namespace },
    ]);
    assert.equal(binding.roleRef.kind, 'Role');
    assert.equal(binding.roleRef.name, only(manifests, 'Role').metadata.name);
    assert.equal(only(manifests, 'ServiceAccount').metadata.name, pod.spec.serviceAccountName);
  });
});

/** The kernel configuration the pod runs with: its mortise.yaml through the kernel's own loader. */
function kernelConfig(from = manifests): ReturnType<typeof loadConfig> {
  const env = container.env.find((e: { name: string }) => e.name === 'MORTISE_CONFIG') as { value: string };
  const mount = container.volumeMounts.find((m: { mountPath: string }) => env.value.startsWith(`${m.mountPath}/`));
  const volume = pod.spec.volumes.find((v: { name: string }) => v.name === mount.name);
  const configMap = from.find((m) => m.kind === 'ConfigMap' && m.metadata.name === volume.configMap.name)!;
  const dir = mkdtempSync(join(tmpdir(), 'mortise-chart-'));
  try {
    const file = join(dir, 'mortise.yaml');
    writeFileSync(file, configMap.data[env.value.slice(mount.mountPath.length + 1)]);
    return loadConfig({ MORTISE_CONFIG: file });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
