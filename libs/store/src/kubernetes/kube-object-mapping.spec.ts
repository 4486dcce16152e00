import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidError, type Resource } from '@mortise/api';
import {
  META_ANNOTATION,
  OPERATOR_LABEL,
  STORE_LABEL,
  fromKubeMeta,
  kubeNameOf,
  nameLabelValue,
  toKubeMeta,
} from './kube-object-mapping.js';

const role = (metadata: Partial<Resource['metadata']>): Resource => ({
  apiVersion: 'iam.mortise.io/v1',
  kind: 'WorkspaceRole',
  metadata: { name: 'admin', ...metadata },
});

describe('kubeNameOf', () => {
  it('joins scope and name with the first dot and keeps global names as they are', () => {
    assert.equal(kubeNameOf({ name: 'admin' }), 'admin');
    assert.equal(kubeNameOf({ scope: 'team-a', name: 'admin.v2' }), 'team-a.admin.v2');
    assert.equal(
      kubeNameOf({ scope: 'team-a', name: 'admin' }, 'widget.example.io.'),
      'widget.example.io.team-a.admin',
    );
  });

  it('ends names that would pass 253 characters in a hash, distinct per name', () => {
    const long = (c: string) => `${'a'.repeat(250)}${c}`;
    const a = kubeNameOf({ scope: 'team-a', name: long('x') });
    const b = kubeNameOf({ scope: 'team-a', name: long('y') });
    assert.ok(a.length <= 253 && b.length <= 253);
    assert.notEqual(a, b);
    assert.match(a, /^team-a\.a+-[0-9a-f]{16}$/);
  });
});

describe('toKubeMeta and fromKubeMeta', () => {
  it('carries scope as store and operator labels and restores the Mortise metadata exactly', () => {
    const object = role({
      workspace: 'team-a',
      labels: { tier: 'gold' },
      annotations: { note: 'x' },
      finalizers: ['iam.mortise.io/cleanup'],
      ownerReferences: [{ apiVersion: 'tenant.mortise.io/v1', kind: 'Workspace', name: 'team-a', uid: 'u1' }],
    });
    const kube = toKubeMeta(object, 'team-a.admin');
    assert.equal(kube.labels![STORE_LABEL.scope], 'team-a');
    assert.equal(kube.labels![STORE_LABEL.workspace], 'team-a');
    assert.equal(kube.labels![OPERATOR_LABEL.workspace], 'team-a');
    assert.equal(kube.labels![STORE_LABEL.name], 'admin');
    assert.equal(
      (kube as unknown as Record<string, unknown>).ownerReferences,
      undefined,
      'the garbage collector must not see them',
    );
    const back = fromKubeMeta({ ...kube, uid: 'k-uid', resourceVersion: '7', generation: 1 });
    assert.deepEqual(back, { ...object.metadata, uid: 'k-uid', resourceVersion: '7', generation: 1 });
  });

  it('keeps a workspace label the object sets itself, even when it differs from its scope', () => {
    const object = role({ workspace: 'team-a', labels: { [OPERATOR_LABEL.workspace]: 'team-b' } });
    const kube = toKubeMeta(object, 'team-a.admin');
    assert.equal(kube.labels![OPERATOR_LABEL.workspace], 'team-b');
    assert.deepEqual(fromKubeMeta(kube).labels, { [OPERATOR_LABEL.workspace]: 'team-b' });
    const global = role({ labels: { [OPERATOR_LABEL.workspace]: 'team-c' } });
    const restored = fromKubeMeta(toKubeMeta(global, 'admin'));
    assert.equal(restored.workspace, undefined);
    assert.deepEqual(restored.labels, { [OPERATOR_LABEL.workspace]: 'team-c' });
  });

  it('refuses store-owned keys from clients and scopes that are not label values', () => {
    assert.throws(() => toKubeMeta(role({ labels: { [STORE_LABEL.scope]: 'x' } }), 'admin'), InvalidError);
    assert.throws(() => toKubeMeta(role({ annotations: { [META_ANNOTATION]: '{}' } }), 'admin'), InvalidError);
    assert.throws(() => toKubeMeta(role({ workspace: 'has space' }), 'admin'), InvalidError);
  });

  it('hashes names that are not valid label values', () => {
    assert.equal(nameLabelValue('admin'), 'admin');
    assert.match(nameLabelValue('a'.repeat(64)), /^sha256-[0-9a-f]{48}$/);
  });
});
