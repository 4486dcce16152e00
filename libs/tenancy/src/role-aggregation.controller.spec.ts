import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IAM_GROUP } from '@mortise/api';
import { MemoryStore } from '@mortise/store';
import { BuiltinRoleStamper } from './builtin-role-stamper.js';
import { WORKSPACE_BUILTIN_ROLES } from './builtin-roles.js';
import { RoleAggregationController } from './role-aggregation.controller.js';

async function until(what: string, condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await condition())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe(RoleAggregationController.name, () => {
  it('stamps the aggregating built-in roles into workspaces written past admission, and stops when told', async () => {
    const store = new MemoryStore();
    const workspace = (name: string) => ({
      apiVersion: 'tenant.mortise.io/v1',
      kind: 'Workspace',
      metadata: { name },
      spec: {},
    });
    await store.create(workspace('restored'));
    const controller = new RoleAggregationController(store, new BuiltinRoleStamper(store));
    await controller.start();
    const roles = (ws: string) =>
      store.list({ group: IAM_GROUP, kind: 'WorkspaceRole' }, { fieldSelector: `metadata.workspace=${ws}` });
    await until(
      'the existing workspace has its roles',
      async () => (await roles('restored')).items.length === WORKSPACE_BUILTIN_ROLES.length,
    );
    const stamped = (await roles('restored')).items.map((r) => r.metadata.name).sort();
    assert.deepEqual(stamped, WORKSPACE_BUILTIN_ROLES.map((r) => r.name).sort());
    const admin = (await roles('restored')).items[0] as { aggregationRoleTemplates?: unknown };
    assert.ok(admin.aggregationRoleTemplates, 'built-in roles aggregate RoleTemplates');
    await store.create(workspace('applied'));
    await until(
      'a new workspace gets its roles',
      async () => (await roles('applied')).items.length === WORKSPACE_BUILTIN_ROLES.length,
    );
    await controller.stop();
    await store.create(workspace('later'));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal((await roles('later')).items.length, 0, 'a stopped controller stamps nothing');
  });
});
