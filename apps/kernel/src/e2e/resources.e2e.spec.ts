import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { itemNames, startTestKernel, type TestKernel } from '../testing/kernel-fixture.js';

const TENANT = '/kapis/tenant.mortise.io/v1';
const IAM = '/kapis/iam.mortise.io/v1';
const EXT = '/kapis/extensions.mortise.io/v1';

const globalRole = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'iam.mortise.io/v1',
  kind: 'GlobalRole',
  metadata: { name, labels },
  rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['get'] }],
});

describe('generic resource REST', () => {
  let k: TestKernel;
  before(async () => {
    k = await startTestKernel();
  });
  after(() => k.close());

  describe('CRUD on a global kind', () => {
    it('creates, reads, updates and deletes a Workspace', async () => {
      const created = await k.call('POST', `${TENANT}/workspaces`, {
        body: { apiVersion: 'tenant.mortise.io/v1', kind: 'Workspace', metadata: { name: 'crud' }, spec: {} },
      });
      assert.equal(created.status, 201);
      assert.equal(created.body.metadata.name, 'crud');
      assert.ok(created.body.metadata.uid);

      const got = await k.call('GET', `${TENANT}/workspaces/crud`);
      assert.equal(got.status, 200);
      assert.equal(got.body.metadata.resourceVersion, created.body.metadata.resourceVersion);

      const updated = await k.call('PUT', `${TENANT}/workspaces/crud`, {
        body: { ...got.body, spec: { displayName: 'CRUD team' } },
      });
      assert.equal(updated.status, 200);
      assert.equal(updated.body.spec.displayName, 'CRUD team');
      assert.notEqual(updated.body.metadata.resourceVersion, got.body.metadata.resourceVersion);

      const deleted = await k.call('DELETE', `${TENANT}/workspaces/crud`);
      assert.equal(deleted.status, 200);
      assert.equal((await k.call('GET', `${TENANT}/workspaces/crud`)).status, 404);
    });

    it('answers a second create with 409 AlreadyExists and a stale update with 409 Conflict', async () => {
      assert.equal((await k.call('POST', `${IAM}/globalroles`, { body: globalRole('dup') })).status, 201);
      const again = await k.call('POST', `${IAM}/globalroles`, { body: globalRole('dup') });
      assert.equal(again.status, 409);
      assert.equal(again.body.reason, 'AlreadyExists');

      const current = (await k.call('GET', `${IAM}/globalroles/dup`)).body;
      const first = await k.call('PUT', `${IAM}/globalroles/dup`, {
        body: { ...current, rules: [{ verbs: ['list'], apiGroups: [''], resources: ['x'] }] },
      });
      assert.equal(first.status, 200);
      const stale = await k.call('PUT', `${IAM}/globalroles/dup`, { body: current });
      assert.equal(stale.status, 409);
      assert.equal(stale.body.reason, 'Conflict');
      assert.deepEqual((await k.call('GET', `${IAM}/globalroles/dup`)).body.rules, first.body.rules);
    });

    it('deletes with a stale precondition as 409 and leaves the object', async () => {
      await k.call('POST', `${IAM}/globalroles`, { body: globalRole('guarded') });
      const res = await k.call('DELETE', `${IAM}/globalroles/guarded`, {
        body: { preconditions: { resourceVersion: '1' } },
      });
      assert.equal(res.status, 409);
      assert.equal((await k.call('GET', `${IAM}/globalroles/guarded`)).status, 200);
    });
  });

  describe('patches', () => {
    it('applies a merge patch and a JSON patch', async () => {
      await k.call('POST', `${IAM}/globalroles`, { body: globalRole('patched') });
      const merged = await k.call('PATCH', `${IAM}/globalroles/patched`, {
        body: { metadata: { labels: { tier: 'gold' } } },
        contentType: 'application/merge-patch+json',
      });
      assert.equal(merged.status, 200);
      assert.equal(merged.body.metadata.labels.tier, 'gold');
      const jsonPatched = await k.call('PATCH', `${IAM}/globalroles/patched`, {
        body: [
          { op: 'replace', path: '/rules/0/verbs', value: ['get', 'list'] },
          { op: 'remove', path: '/metadata/labels/tier' },
        ],
        contentType: 'application/json-patch+json',
      });
      assert.equal(jsonPatched.status, 200);
      assert.deepEqual(jsonPatched.body.rules[0].verbs, ['get', 'list']);
      assert.equal(jsonPatched.body.metadata.labels?.tier, undefined);
    });

    it('refuses a patch that breaks the schema with 422 and keeps the object', async () => {
      await k.call('POST', `${IAM}/globalroles`, { body: globalRole('strict') });
      const res = await k.call('PATCH', `${IAM}/globalroles/strict`, {
        body: { rules: [{ verbs: [] }] },
        contentType: 'application/merge-patch+json',
      });
      assert.equal(res.status, 422);
      assert.ok(res.body.details.causes.some((c: { field?: string }) => c.field?.startsWith('rules')));
      assert.deepEqual((await k.call('GET', `${IAM}/globalroles/strict`)).body.rules[0].verbs, ['get']);
    });

    it('writes status only through /status', async () => {
      // Extension: a kind with a status and no controller acting on it here (InstallPlans are checked and reconciled).
      const extension = {
        apiVersion: 'extensions.mortise.io/v1',
        kind: 'Extension',
        metadata: { name: 'demo' },
        spec: { displayName: 'Demo' },
      };
      assert.equal((await k.call('POST', `${EXT}/extensions`, { body: extension })).status, 201);
      const current = (await k.call('GET', `${EXT}/extensions/demo`)).body;
      const status = await k.call('PUT', `${EXT}/extensions/demo/status`, {
        body: { ...current, status: { state: 'Installed' } },
      });
      assert.equal(status.status, 200);
      assert.equal(status.body.status.state, 'Installed');
      const patched = await k.call('PATCH', `${EXT}/extensions/demo/status`, {
        body: { status: { state: 'Upgrading' } },
        contentType: 'application/merge-patch+json',
      });
      assert.equal(patched.body.status.state, 'Upgrading');
      assert.equal((await k.call('GET', `${EXT}/extensions/demo/scale`)).status, 404);
    });
  });

  describe('lists', () => {
    before(async () => {
      for (let i = 0; i < 5; i++) {
        await k.call('POST', `${IAM}/globalroles`, {
          body: globalRole(`page-${i}`, { set: 'paged', parity: i % 2 ? 'odd' : 'even' }),
        });
      }
    });

    it('returns a Kubernetes List filtered by labelSelector and fieldSelector', async () => {
      const odd = await k.call('GET', `${IAM}/globalroles?labelSelector=${encodeURIComponent('set=paged,parity=odd')}`);
      assert.equal(odd.status, 200);
      assert.equal(odd.body.kind, 'GlobalRoleList');
      assert.equal(odd.body.apiVersion, 'iam.mortise.io/v1');
      assert.ok(odd.body.metadata.resourceVersion);
      assert.deepEqual(itemNames(odd.body).sort(), ['page-1', 'page-3']);
      const byName = await k.call('GET', `${IAM}/globalroles?fieldSelector=metadata.name%3Dpage-2`);
      assert.deepEqual(itemNames(byName.body), ['page-2']);
    });

    it('pages with limit and continue until every item was seen once', async () => {
      const seen: string[] = [];
      let next = '';
      let pages = 0;
      do {
        const res = await k.call(
          'GET',
          `${IAM}/globalroles?labelSelector=set%3Dpaged&limit=2${next ? `&continue=${encodeURIComponent(next)}` : ''}`,
        );
        assert.equal(res.status, 200);
        assert.ok(res.body.items.length <= 2);
        seen.push(...itemNames(res.body));
        next = res.body.metadata.continue ?? '';
        pages++;
      } while (next && pages < 10);
      assert.deepEqual(seen.sort(), ['page-0', 'page-1', 'page-2', 'page-3', 'page-4']);
      assert.equal(pages, 3);
    });

    it('refuses a non-numeric limit with 400', async () => {
      assert.equal((await k.call('GET', `${IAM}/globalroles?limit=lots`)).status, 400);
    });
  });

  describe('scopes', () => {
    before(async () => {
      await k.call('POST', `${TENANT}/workspaces`, { body: { metadata: { name: 'team-a' }, spec: {} } });
      const project = await k.call('POST', `${TENANT}/workspaces/team-a/projects`, {
        body: { metadata: { name: 'web' }, spec: {} },
      });
      assert.equal(project.status, 201, project.text);
    });

    it('stamps workspace-scoped objects from the path', async () => {
      const project = await k.call('GET', `${TENANT}/workspaces/team-a/projects/web`);
      assert.equal(project.body.metadata.workspace, 'team-a');
      assert.equal(project.body.metadata.labels['mortise.io/workspace'], 'team-a');
      const list = await k.call('GET', `${TENANT}/workspaces/team-a/projects`);
      assert.deepEqual(itemNames(list.body), ['web']);
      assert.equal((await k.call('GET', `${TENANT}/workspaces/other/projects`)).body.items.length, 0);
    });

    it("stamps project-scoped objects with the project and the project's workspace", async () => {
      const role = await k.call('POST', `${IAM}/namespaces/web/roles`, {
        body: { metadata: { name: 'viewer' }, rules: [{ apiGroups: [''], resources: ['x'], verbs: ['get'] }] },
      });
      assert.equal(role.status, 201, role.text);
      assert.equal(role.body.metadata.namespace, 'web');
      assert.equal(role.body.metadata.workspace, 'team-a');
      assert.equal(role.body.metadata.labels['mortise.io/project'], 'web');
      assert.equal(role.body.metadata.labels['mortise.io/workspace'], 'team-a');
      assert.equal((await k.call('GET', `${IAM}/namespaces/web/roles/viewer`)).status, 200);
      const missing = await k.call('POST', `${IAM}/namespaces/nowhere/roles`, {
        body: { metadata: { name: 'x' }, rules: [] },
      });
      assert.equal(missing.status, 404);
    });

    it('refuses a body naming another scope with 400', async () => {
      const res = await k.call('POST', `${TENANT}/workspaces/team-a/projects`, {
        body: { metadata: { name: 'api', workspace: 'team-b' }, spec: {} },
      });
      assert.equal(res.status, 400);
      assert.equal((await k.call('GET', `${TENANT}/workspaces/team-a/projects/api`)).status, 404);
    });

    it('answers a scope the kind does not live in, internal kinds and unknown kinds with 404', async () => {
      for (const path of [
        `${IAM}/workspaces/team-a/globalroles`,
        `${TENANT}/namespaces/web/workspaces`,
        `${IAM}/roles/viewer`,
        `${IAM}/signingkeys`,
        `${IAM}/refreshtokens`,
        `${IAM}/widgets`,
        '/kapis/nothing.example.io/v1/things',
      ]) {
        const res = await k.call('GET', path);
        assert.equal(res.status, 404, path);
        assert.equal(res.body.kind, 'Status', path);
      }
    });

    it('lists a scoped kind across every scope from its global path', async () => {
      const res = await k.call('GET', `${IAM}/roles`);
      assert.equal(res.status, 200);
      assert.ok(itemNames(res.body).includes('viewer'));
    });
  });
});
