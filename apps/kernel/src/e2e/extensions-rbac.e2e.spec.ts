import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { copyExtensionPackage } from '@mortise/runtime';
import { startAccessControlKernel, type AccessControlKernel } from '../testing/access-control-fixture.js';

const SAMPLE = fileURLToPath(new URL('../../../../extensions/announcements/', import.meta.url));
const TENANT = '/kapis/tenant.mortise.io/v1';
const IAM = '/kapis/iam.mortise.io/v1';
const ANNOUNCEMENTS = '/kapis/announcements.samples.mortise.io/v1';

/**
 * The sample under the kernel's real authorization and tenancy: its
 * RoleTemplates are aggregated into the built-in project roles, and users get
 * them by project membership, not by any grant made for the test.
 */
describe('an in-process extension under real roles and bindings', () => {
  let k: AccessControlKernel;

  before(async () => {
    k = await startAccessControlKernel({ config: { devLoads: true } });
    for (const name of ['admin', 'lead', 'dev', 'outsider']) {
      const user = { apiVersion: 'iam.mortise.io/v1', kind: 'User', metadata: { name }, spec: {} };
      assert.equal((await k.as('admin', 'POST', `${IAM}/users`, { body: user })).status, 201);
    }
    const ws = {
      apiVersion: 'tenant.mortise.io/v1',
      kind: 'Workspace',
      metadata: { name: 'team' },
      spec: { manager: 'lead' },
    };
    assert.equal((await k.as('admin', 'POST', `${TENANT}/workspaces`, { body: ws })).status, 201);
    const project = { apiVersion: 'tenant.mortise.io/v1', kind: 'Project', metadata: { name: 'shop' }, spec: {} };
    assert.equal((await k.as('lead', 'POST', `${TENANT}/workspaces/team/projects`, { body: project })).status, 201);
    const member = await k.as('lead', 'POST', `${TENANT}/namespaces/shop/members`, {
      body: { username: 'dev', role: 'project-viewer' },
    });
    assert.equal(member.status, 201, member.text);
    const directory = await copyExtensionPackage(SAMPLE, '1.0.0');
    assert.equal(
      (await k.as('lead', 'POST', '/kapis/extensions.mortise.io/v1/devloads', { body: { directory } })).status,
      403,
    );
    const loaded = await k.as('admin', 'POST', '/kapis/extensions.mortise.io/v1/devloads', { body: { directory } });
    assert.equal(loaded.status, 201, loaded.text);
  });
  after(() => k.close());

  it('lets the workspace admin broadcast through announcements-manage aggregated into workspace-admin', async () => {
    const res = await k.as('lead', 'POST', `${ANNOUNCEMENTS}/namespaces/shop/broadcasts`, {
      body: { title: 'Freeze' },
    });
    assert.equal(res.status, 201, res.text);
  });

  it('lets a project viewer read and acknowledge but not broadcast', async () => {
    const inbox = await k.as('dev', 'GET', `${ANNOUNCEMENTS}/namespaces/shop/inbox`);
    assert.equal(inbox.status, 200, inbox.text);
    assert.equal(inbox.body.canPublish, false);
    const name = inbox.body.items[0].name as string;
    const ack = await k.as('dev', 'POST', `${ANNOUNCEMENTS}/namespaces/shop/announcements/${name}/acknowledge`);
    assert.equal(ack.status, 200, ack.text);
    assert.equal(
      (await k.as('dev', 'POST', `${ANNOUNCEMENTS}/namespaces/shop/broadcasts`, { body: { title: 'x' } })).status,
      403,
    );
  });

  it('refuses users without a role in the project, and anonymous callers', async () => {
    assert.equal((await k.as('outsider', 'GET', `${ANNOUNCEMENTS}/namespaces/shop/inbox`)).status, 403);
    assert.equal((await k.as('anonymous', 'GET', `${ANNOUNCEMENTS}/namespaces/shop/inbox`)).status, 401);
  });
});
