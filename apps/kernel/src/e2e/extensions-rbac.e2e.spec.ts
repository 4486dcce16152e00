import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { copyExtensionPackage } from '@mortise/runtime';
import { startAccessControlKernel, type AccessControlKernel } from '../testing/access-control-fixture.js';
import { passwordLogin, type CallResult } from '../testing/kernel-fixture.js';

const SAMPLE = fileURLToPath(new URL('../../../../extensions/announcements/', import.meta.url));
const TENANT = '/kapis/tenant.mortise.io/v1';
const IAM = '/kapis/iam.mortise.io/v1';
const ANNOUNCEMENTS = '/kapis/announcements.samples.mortise.io/v1';

/**
 * The sample under the kernel's real identity, authorization and tenancy:
 * users log in with passwords and call with their access tokens; the
 * extension's RoleTemplates are aggregated into the built-in roles, and users
 * get them by workspace and project membership, not by any grant made for
 * the test.
 */
describe('an in-process extension under real roles and bindings', () => {
  let k: AccessControlKernel;
  const tokens = new Map<string, string>();
  /** A call with the user's own access token (password grant); the fixture's platform admin uses test credentials. */
  const asUser = (user: string, method: string, path: string, body?: unknown): Promise<CallResult> =>
    user === 'admin'
      ? k.as('admin', method, path, body !== undefined ? { body } : {})
      : k.call(method, path, {
          ...(body !== undefined ? { body } : {}),
          ...(tokens.has(user) ? { headers: { authorization: `Bearer ${tokens.get(user)}` } } : { anonymous: true }),
        });

  before(async () => {
    k = await startAccessControlKernel({ config: { devLoads: true } });
    for (const name of ['admin', 'lead', 'dev', 'outsider']) {
      if (name === 'admin') continue;
      const user = {
        apiVersion: 'iam.mortise.io/v1',
        kind: 'User',
        metadata: { name },
        spec: { password: 'correct horse' },
      };
      const created = await k.as('admin', 'POST', `${IAM}/users`, { body: user });
      assert.equal(created.status, 201, created.text);
      tokens.set(name, await passwordLogin(k.url, name, 'correct horse'));
    }
    const ws = {
      apiVersion: 'tenant.mortise.io/v1',
      kind: 'Workspace',
      metadata: { name: 'team' },
      spec: { manager: 'lead' },
    };
    assert.equal((await asUser('admin', 'POST', `${TENANT}/workspaces`, ws)).status, 201);
    const project = { apiVersion: 'tenant.mortise.io/v1', kind: 'Project', metadata: { name: 'shop' }, spec: {} };
    assert.equal((await asUser('lead', 'POST', `${TENANT}/workspaces/team/projects`, project)).status, 201);
    const member = await asUser('lead', 'POST', `${TENANT}/namespaces/shop/members`, {
      username: 'dev',
      role: 'project-viewer',
    });
    assert.equal(member.status, 201, member.text);
    const directory = await copyExtensionPackage(SAMPLE, '1.0.0');
    assert.equal((await asUser('lead', 'POST', '/kapis/extensions.mortise.io/v1/devloads', { directory })).status, 403);
    const loaded = await asUser('admin', 'POST', '/kapis/extensions.mortise.io/v1/devloads', { directory });
    assert.equal(loaded.status, 201, loaded.text);
  });
  after(() => k.close());

  it('lets the workspace admin broadcast through announcements-manage aggregated into workspace-admin', async () => {
    const res = await asUser('lead', 'POST', `${ANNOUNCEMENTS}/namespaces/shop/broadcasts`, { title: 'Freeze' });
    assert.equal(res.status, 201, res.text);
  });

  it('lets a project viewer read and acknowledge but not broadcast', async () => {
    const inbox = await asUser('dev', 'GET', `${ANNOUNCEMENTS}/namespaces/shop/inbox`);
    assert.equal(inbox.status, 200, inbox.text);
    assert.equal(inbox.body.canPublish, false);
    const name = inbox.body.items[0].name as string;
    const ack = await asUser('dev', 'POST', `${ANNOUNCEMENTS}/namespaces/shop/announcements/${name}/acknowledge`);
    assert.equal(ack.status, 200, ack.text);
    assert.equal(
      (await asUser('dev', 'POST', `${ANNOUNCEMENTS}/namespaces/shop/broadcasts`, { title: 'x' })).status,
      403,
    );
  });

  it('refuses users without a role in the project, and anonymous callers', async () => {
    assert.equal((await asUser('outsider', 'GET', `${ANNOUNCEMENTS}/namespaces/shop/inbox`)).status, 403);
    assert.equal((await asUser('anonymous', 'GET', `${ANNOUNCEMENTS}/namespaces/shop/inbox`)).status, 401);
  });
});
