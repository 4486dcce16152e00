import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConflictError } from './errors.js';
import { ApiGroupRegistry } from './group-registry.js';
import { KindRegistry } from './kind-registry.js';
import { kernelKinds, registerKernelKinds } from './kinds/kernel-kinds.js';
import { UserKind } from './kinds/iam/user.kind.js';
import type { KindDefinition } from './kind-definition.js';

const widget = (overrides: Partial<KindDefinition> = {}): KindDefinition => ({
  ...UserKind,
  group: 'widgets.example.com',
  kind: 'Widget',
  plural: 'widgets',
  singular: 'widget',
  owner: { type: 'extension', name: 'widgets' },
  ...overrides,
});

describe(KindRegistry.name, () => {
  it('registers every kernel kind once, finds them by plural and kind', () => {
    const registry = new KindRegistry(new ApiGroupRegistry());
    registerKernelKinds(registry);
    assert.equal(registry.list().length, kernelKinds.length);
    assert.equal(registry.findByPlural('tenant.mortise.io', 'v1', 'projects')?.kind, 'Project');
    assert.equal(registry.getByKind('iam.mortise.io', 'User'), UserKind);
  });

  it('refuses a second kind with the same name or the same plural', () => {
    const registry = new KindRegistry();
    registry.register(widget());
    assert.throws(() => registry.register(widget({ plural: 'gadgets' })), ConflictError);
    assert.throws(() => registry.register(widget({ kind: 'Gadget' })), ConflictError);
    registry.register(widget({ kind: 'Gadget', plural: 'gadgets', singular: 'gadget' }));
    assert.equal(registry.list().length, 2);
  });

  it('forgets an unregistered kind by plural and kind, keeping its neighbours, and takes it back', () => {
    const registry = new KindRegistry();
    const gadget = widget({ kind: 'Gadget', plural: 'gadgets', singular: 'gadget' });
    registry.register(widget());
    registry.register(gadget);
    registry.unregister('widgets.example.com', 'Widget');
    assert.equal(registry.findByPlural('widgets.example.com', UserKind.version, 'widgets'), undefined);
    assert.equal(registry.findByKind('widgets.example.com', 'Widget'), undefined);
    assert.equal(registry.findByPlural('widgets.example.com', UserKind.version, 'gadgets'), gadget);
    registry.unregister('widgets.example.com', 'Gadget');
    assert.equal(registry.findByPlural('widgets.example.com', UserKind.version, 'gadgets'), undefined);
    assert.deepEqual(registry.list(), []);
    registry.register(widget({ version: 'v2' }));
    assert.equal(registry.findByPlural('widgets.example.com', 'v2', 'widgets')?.kind, 'Widget');
    assert.equal(registry.findByPlural('widgets.example.com', UserKind.version, 'widgets'), undefined);
  });

  it('refuses a group claimed by another owner', () => {
    const groups = new ApiGroupRegistry();
    const registry = new KindRegistry(groups);
    registry.register(widget());
    assert.throws(
      () =>
        registry.register(widget({ kind: 'Gadget', plural: 'gadgets', owner: { type: 'extension', name: 'other' } })),
      ConflictError,
    );
    groups.claim('iam.mortise.io', { type: 'kernel' });
    assert.throws(() => groups.claim('iam.mortise.io', { type: 'extension', name: 'x' }), ConflictError);
    // The owner may claim its group again (one claim per kind it registers).
    groups.claim('iam.mortise.io', { type: 'kernel' });
    assert.deepEqual(groups.ownerOf('widgets.example.com'), { type: 'extension', name: 'widgets' });
  });

  it('gives every kernel kind a unique plural and the scope DESIGN asks for', () => {
    const plurals = kernelKinds.map((k) => `${k.group}/${k.plural}`);
    assert.equal(new Set(plurals).size, plurals.length);
    const scopeOf = (kind: string) => kernelKinds.find((k) => k.kind === kind)?.scope;
    assert.equal(scopeOf('WorkspaceRoleBinding'), 'workspace');
    assert.equal(scopeOf('RoleBinding'), 'namespace');
    assert.equal(scopeOf('Project'), 'workspace');
    assert.equal(scopeOf('InstallPlan'), 'global');
  });
});
