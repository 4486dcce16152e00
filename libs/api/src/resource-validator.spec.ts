import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidError } from './errors.js';
import { compileResourceValidator } from './resource-validator.js';
import { UserKind } from './kinds/iam/user.kind.js';
import { GlobalRoleKind } from './kinds/iam/role.kind.js';
import { WorkspaceKind } from './kinds/tenant/workspace.kind.js';
import { InstallPlanKind } from './kinds/extensions/install-plan.kind.js';
import { kernelKinds } from './kinds/kernel-kinds.js';
import { ReverseProxyKind } from './kinds/extensions/gateway.kind.js';
import { APIKeyKind } from './kinds/iam/api-key.kind.js';
import type { KindDefinition } from './kind-definition.js';

function causesOf(def: KindDefinition, obj: unknown): { reason: string; field?: string }[] {
  try {
    compileResourceValidator(def)(obj);
  } catch (err) {
    assert.ok(err instanceof InvalidError, `expected InvalidError, got ${String(err)}`);
    assert.equal(err.code, 422);
    return (err.details?.causes ?? []).map(({ reason, field }) => ({ reason, field }));
  }
  return [];
}

const user = (spec: Record<string, unknown>, name = 'alice') => ({
  apiVersion: 'iam.mortise.io/v1',
  kind: 'User',
  metadata: { name },
  spec,
});

describe('compileResourceValidator', () => {
  it('accepts a valid user, write-only password included', () => {
    assert.deepEqual(causesOf(UserKind, user({ email: 'alice@example.com', password: 's3cret-pass' })), []);
  });

  it('reports bad fields with Kubernetes field paths and reasons', () => {
    const causes = causesOf(UserKind, {
      apiVersion: 'iam.mortise.io/v2',
      kind: 'User',
      metadata: { name: 'Alice_1', labels: { 'bad key!': 'x' } },
      spec: { email: 'not-an-email', disabled: 'yes' },
      status: { state: 'Sleeping' },
    });
    assert.deepEqual(
      causes.sort((a, b) => String(a.field).localeCompare(String(b.field))),
      [
        { reason: 'FieldValueInvalid', field: 'apiVersion' },
        { reason: 'FieldValueInvalid', field: 'metadata.labels[bad key!]' },
        { reason: 'FieldValueInvalid', field: 'metadata.name' },
        { reason: 'FieldValueTypeInvalid', field: 'spec.disabled' },
        { reason: 'FieldValueInvalid', field: 'spec.email' },
        { reason: 'FieldValueNotSupported', field: 'status.state' },
      ],
    );
  });

  it('reports missing required fields inside arrays', () => {
    const role = {
      apiVersion: 'iam.mortise.io/v1',
      kind: 'GlobalRole',
      metadata: { name: 'viewer' },
      rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['get'] }, { resources: ['users'] }],
    };
    assert.deepEqual(causesOf(GlobalRoleKind, role), [{ reason: 'FieldValueRequired', field: 'rules[1].verbs' }]);
  });

  it('requires a name or generateName and applies the kind’s name rule', () => {
    const ws = (metadata: Record<string, unknown>) => ({
      apiVersion: 'tenant.mortise.io/v1',
      kind: 'Workspace',
      metadata,
      spec: {},
    });
    assert.deepEqual(causesOf(WorkspaceKind, ws({})), [{ reason: 'FieldValueRequired', field: 'metadata.name' }]);
    assert.deepEqual(causesOf(WorkspaceKind, ws({ generateName: 'team-' })), []);
    // Workspaces are DNS-1123 labels: a dotted name is refused.
    assert.deepEqual(causesOf(WorkspaceKind, ws({ name: 'a.b' })), [
      { reason: 'FieldValueInvalid', field: 'metadata.name' },
    ]);
  });

  it('prunes undeclared fields, keeps free-form ones and fills defaults', () => {
    const plan = {
      apiVersion: 'extensions.mortise.io/v1',
      kind: 'InstallPlan',
      metadata: { name: 'whizard' },
      spec: { extension: { name: 'whizard', version: '1.0.0' }, config: { nested: { any: 1 } }, typo: true },
      extra: 'dropped',
    };
    compileResourceValidator(InstallPlanKind)(plan);
    assert.equal('typo' in plan.spec, false);
    assert.equal('extra' in plan, false);
    assert.deepEqual(plan.spec.config, { nested: { any: 1 } });
    // Defaults are filled in like the API server does.
    assert.deepEqual(plan.spec, {
      extension: { name: 'whizard', version: '1.0.0' },
      config: { nested: { any: 1 } },
      enabled: true,
      upgradeStrategy: 'Manual',
    });
  });

  it('refuses a non-object and a wrong kind', () => {
    assert.deepEqual(causesOf(UserKind, 'nope'), [{ reason: 'FieldValueTypeInvalid', field: undefined }]);
    assert.deepEqual(causesOf(UserKind, { ...user({}), kind: 'Group' }), [
      { reason: 'FieldValueInvalid', field: 'kind' },
    ]);
  });

  it('checks nested gateway and API key fields', () => {
    const proxy = {
      apiVersion: 'extensions.mortise.io/v1',
      kind: 'ReverseProxy',
      metadata: { name: 'ui' },
      spec: {
        matcher: { method: 'GET' },
        service: { namespace: 'x', name: 'y', port: 70000 },
        timeouts: { connect: -1 },
      },
    };
    assert.deepEqual(causesOf(ReverseProxyKind, proxy), [
      { reason: 'FieldValueRequired', field: 'spec.matcher.path' },
      { reason: 'FieldValueInvalid', field: 'spec.service.port' },
      { reason: 'FieldValueInvalid', field: 'spec.timeouts.connect' },
    ]);
    const key = {
      apiVersion: 'iam.mortise.io/v1',
      kind: 'APIKey',
      metadata: { name: 'ci' },
      spec: { expiresAt: 'tomorrow', rules: [{ verbs: [] }] },
    };
    assert.deepEqual(causesOf(APIKeyKind, key), [
      { reason: 'FieldValueInvalid', field: 'spec.expiresAt' },
      { reason: 'FieldValueInvalid', field: 'spec.rules[0].verbs' },
    ]);
  });

  it('compiles for every kernel kind', () => {
    for (const def of kernelKinds) assert.equal(typeof compileResourceValidator(def), 'function', def.kind);
  });

  it('compiles once per kind', () => {
    assert.equal(compileResourceValidator(UserKind), compileResourceValidator(UserKind));
  });
});
