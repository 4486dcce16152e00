import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startAccessControlKernel, type AccessControlKernel } from '../testing/access-control-fixture.js';

const TENANT = '/kapis/tenant.mortise.io/v1';
const IAM = '/kapis/iam.mortise.io/v1';
const WIDGETS = '/kapis/example.mortise.io/v1';

function user(name: string) {
  return { apiVersion: 'iam.mortise.io/v1', kind: 'User', metadata: { name }, spec: {} };
}

describe('access control over HTTP', () => {
  let k: AccessControlKernel;

  before(async () => {
    k = await startAccessControlKernel();
    for (const name of ['ann', 'ben', 'cid'])
      assert.equal((await k.as('admin', 'POST', `${IAM}/users`, { body: user(name) })).status, 201);
    const ws = {
      apiVersion: 'tenant.mortise.io/v1',
      kind: 'Workspace',
      metadata: { name: 'team' },
      spec: { manager: 'ann' },
    };
    assert.equal((await k.as('admin', 'POST', `${TENANT}/workspaces`, { body: ws })).status, 201);
    const project = { apiVersion: 'tenant.mortise.io/v1', kind: 'Project', metadata: { name: 'shop' }, spec: {} };
    assert.equal((await k.as('ann', 'POST', `${TENANT}/workspaces/team/projects`, { body: project })).status, 201);
  });
  after(() => k.close());

  describe('members', () => {
    it('add (201), one role per user (409), unknown user or role (404), change, list and remove', async () => {
      const base = `${TENANT}/workspaces/team/members`;
      assert.equal(
        (await k.as('ann', 'POST', base, { body: { username: 'ben', role: 'workspace-regular' } })).status,
        201,
      );
      assert.equal(
        (await k.as('ann', 'POST', base, { body: { username: 'ben', role: 'workspace-viewer' } })).status,
        409,
      );
      assert.equal(
        (await k.as('ann', 'POST', base, { body: { username: 'ghost', role: 'workspace-viewer' } })).status,
        404,
      );
      assert.equal((await k.as('ann', 'POST', base, { body: { username: 'cid', role: 'no-such-role' } })).status, 404);
      assert.equal((await k.as('ann', 'PUT', `${base}/ben`, { body: { role: 'workspace-viewer' } })).status, 200);
      const list = await k.as('ben', 'GET', base);
      assert.deepEqual(list.body, {
        items: [
          { username: 'ann', role: 'workspace-admin' },
          { username: 'ben', role: 'workspace-viewer' },
        ],
      });
      assert.equal(
        (await k.as('ben', 'POST', base, { body: { username: 'cid', role: 'workspace-viewer' } })).status,
        403,
      );
      assert.equal((await k.as('ann', 'DELETE', `${base}/ben`)).status, 200);
      assert.equal((await k.as('ben', 'GET', base)).status, 403);
    });
  });

  describe('escalation', () => {
    it('refuses a project admin creating a * role, and a workspace admin binding themselves platform-admin', async () => {
      assert.equal(
        (
          await k.as('ann', 'POST', `${TENANT}/namespaces/shop/members`, {
            body: { username: 'cid', role: 'project-admin' },
          })
        ).status,
        201,
      );
      const star = {
        apiVersion: 'iam.mortise.io/v1',
        kind: 'Role',
        metadata: { name: 'everything' },
        rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }],
      };
      const refused = await k.as('cid', 'POST', `${IAM}/namespaces/shop/roles`, { body: star });
      assert.equal(refused.status, 403);
      assert.match(refused.body.message, /grants rights the user does not hold/);
      const narrow = {
        ...star,
        metadata: { name: 'reader' },
        rules: [{ apiGroups: ['example.mortise.io'], resources: ['widgets'], verbs: ['get'] }],
      };
      assert.equal((await k.as('cid', 'POST', `${IAM}/namespaces/shop/roles`, { body: narrow })).status, 201);
      const widen = await k.as('cid', 'PATCH', `${IAM}/namespaces/shop/roles/reader`, {
        body: { rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] },
        contentType: 'application/merge-patch+json',
      });
      assert.equal(widen.status, 403);
      const promote = {
        apiVersion: 'iam.mortise.io/v1',
        kind: 'GlobalRoleBinding',
        metadata: { name: 'ann-admin' },
        roleRef: { apiGroup: 'iam.mortise.io', kind: 'GlobalRole', name: 'platform-admin' },
        subjects: [{ kind: 'User', name: 'ann' }],
      };
      assert.equal((await k.as('ann', 'POST', `${IAM}/globalrolebindings`, { body: promote })).status, 403);
      const sneaky = {
        apiVersion: 'iam.mortise.io/v1',
        kind: 'WorkspaceRole',
        metadata: { name: 'sneaky' },
        rules: [{ apiGroups: ['iam.mortise.io'], resources: ['globalrolebindings'], verbs: ['create'] }],
      };
      assert.equal((await k.as('ann', 'POST', `${IAM}/workspaces/team/workspaceroles`, { body: sneaky })).status, 201);
      const joinGroup = { ...user('ann'), spec: { groups: ['system:masters'] } };
      assert.equal((await k.as('ann', 'PUT', `${IAM}/users/ann`, { body: joinGroup })).status, 403);
    });

    it('protects built-in roles from deletion', async () => {
      const res = await k.as('admin', 'DELETE', `${IAM}/globalroles/platform-admin`);
      assert.equal(res.status, 403);
      assert.match(res.body.message, /built in/);
    });
  });

  describe('revocation', () => {
    it('takes effect on the very next request', async () => {
      const widget = { apiVersion: 'example.mortise.io/v1', kind: 'Widget', metadata: { name: 'gear' }, spec: {} };
      assert.equal((await k.as('admin', 'POST', `${WIDGETS}/namespaces/shop/widgets`, { body: widget })).status, 201);
      await k.as('ann', 'POST', `${TENANT}/namespaces/shop/members`, {
        body: { username: 'ben', role: 'project-viewer' },
      });
      assert.equal((await k.as('ben', 'GET', `${WIDGETS}/namespaces/shop/widgets/gear`)).status, 200);
      assert.equal((await k.as('ann', 'DELETE', `${TENANT}/namespaces/shop/members/ben`)).status, 200);
      assert.equal((await k.as('ben', 'GET', `${WIDGETS}/namespaces/shop/widgets/gear`)).status, 403);
    });
  });

  describe('access reviews', () => {
    it('answer about oneself and, with permission, about others, naming role and binding', async () => {
      const self = await k.as('cid', 'POST', `${IAM}/accessreviews`, {
        body: { verb: 'delete', resource: 'widgets', project: 'shop' },
      });
      assert.equal(self.status, 200);
      assert.equal(self.body.allowed, true);
      assert.deepEqual(self.body.role, { kind: 'Role', name: 'project-admin', project: 'shop', workspace: 'team' });
      assert.equal(self.body.binding.name, 'cid-project-admin');
      const denied = await k.as('cid', 'POST', `${IAM}/accessreviews`, {
        body: { verb: 'get', resource: 'widgets', workspace: 'other' },
      });
      assert.deepEqual([denied.body.allowed, denied.body.role, denied.body.binding], [false, null, null]);
      assert.equal(
        (await k.as('cid', 'POST', `${IAM}/accessreviews`, { body: { user: 'ann', verb: 'get', resource: 'users' } }))
          .status,
        403,
      );
      const byAdmin = await k.as('admin', 'POST', `${IAM}/accessreviews`, {
        body: { user: 'ann', verb: 'create', resource: 'projects', workspace: 'team' },
      });
      assert.equal(byAdmin.body.allowed, true);
      assert.equal((await k.as('admin', 'POST', `${IAM}/accessreviews`, { body: { verb: 'get' } })).status, 422);
    });
  });

  describe('audit', () => {
    it('records mutations and denials, queryable by admins by user and time', async () => {
      const since = new Date(Date.now() - 60_000).toISOString();
      await k.as('ben', 'DELETE', `${TENANT}/workspaces/team`);
      const events = await k.as('admin', 'GET', `${IAM}/auditevents?user=ben&since=${encodeURIComponent(since)}`);
      assert.equal(events.status, 200);
      const denial = events.body.items.find((e: { verb: string }) => e.verb === 'delete');
      assert.ok(denial, 'the denial was audited');
      assert.equal(denial.decision, 'deny');
      assert.equal(denial.code, 403);
      assert.equal(denial.resource, 'workspaces');
      assert.equal(denial.name, 'team');
      assert.ok(events.body.items.every((e: { user: string }) => e.user === 'ben'));
      const created = await k.as('admin', 'GET', `${IAM}/auditevents?user=ann`);
      assert.ok(
        created.body.items.some(
          (e: { verb: string; resource: string; code: number }) =>
            e.verb === 'create' && e.resource === 'projects' && e.code === 201,
        ),
      );
      assert.equal((await k.as('ben', 'GET', `${IAM}/auditevents`)).status, 403);
      const future = await k.as('admin', 'GET', `${IAM}/auditevents?since=2999-01-01T00:00:00Z`);
      assert.deepEqual(future.body.items, []);
    });
  });

  describe('workspace deletion', () => {
    it('is refused while projects remain, and cascades on request', async () => {
      const refused = await k.as('ann', 'DELETE', `${TENANT}/workspaces/team`);
      assert.equal(refused.status, 409);
      assert.match(refused.body.message, /still has 1 project\(s\) \(shop\).*cascade=true/);
      assert.equal((await k.as('ann', 'DELETE', `${TENANT}/workspaces/team?cascade=true`)).status, 200);
      assert.equal((await k.as('admin', 'GET', `${TENANT}/workspaces/team`)).status, 404);
      assert.equal((await k.as('admin', 'GET', `${TENANT}/workspaces/team/projects/shop`)).status, 404);
      assert.deepEqual((await k.as('admin', 'GET', `${IAM}/workspacerolebindings`)).body.items, []);
      assert.deepEqual((await k.as('admin', 'GET', `${WIDGETS}/widgets`)).body.items, []);
      assert.equal((await k.as('ann', 'GET', `${WIDGETS}/namespaces/shop/widgets`)).status, 403);
    });
  });
});
