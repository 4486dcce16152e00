import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  AlreadyExistsError,
  ConflictError,
  ForbiddenError,
  InvalidError,
  NotFoundError,
  type Caller,
  type RequestInfo,
} from '@mortise/api';
import { resourceRequestInfo, roleObject } from '@mortise/authz';
import { TEST_KINDS, TenancyFixture, userCaller } from './testing/tenancy-fixture.js';

function info(verb: string, resource: string, where: Partial<RequestInfo> = {}): RequestInfo {
  return resourceRequestInfo(verb as RequestInfo['verb'], { apiGroup: 'example.mortise.io', ...where, resource });
}

describe('workspace and project lifecycle', () => {
  let fx: TenancyFixture;
  let admin: Caller;
  let alice: Caller;

  beforeEach(async () => {
    fx = await TenancyFixture.start();
    admin = await fx.addUser('admin');
    alice = await fx.addUser('alice');
  });
  afterEach(() => fx.stop());

  it('stamps the workspace roles and makes the manager workspace-admin', async () => {
    await fx.createWorkspace(admin, 'w1', 'alice');
    const roles = await fx.store.list({ group: 'iam.mortise.io', kind: 'WorkspaceRole' }, { scope: 'w1' });
    assert.deepEqual(roles.items.map((r) => r.metadata.name).sort(), [
      'workspace-admin',
      'workspace-regular',
      'workspace-viewer',
    ]);
    assert.equal(
      fx.authz.authorize(alice, info('create', 'widgets', { project: 'p-any', workspace: 'w1' })).allowed,
      true,
    );
    assert.deepEqual((await fx.members.list(admin, { level: 'workspace', workspace: 'w1' })).items, [
      { username: 'alice', role: 'workspace-admin' },
    ]);
  });

  it('keeps project names unique across workspaces and stamps project roles', async () => {
    await fx.createWorkspace(admin, 'w1');
    await fx.createWorkspace(admin, 'w2');
    const project = await fx.createProject(alice, 'w1', 'shop');
    assert.equal(project.metadata.workspace, 'w1');
    await assert.rejects(fx.createProject(admin, 'w2', 'shop'), AlreadyExistsError);
    await assert.rejects(fx.createProject(admin, 'nowhere', 'other'), NotFoundError);
    const roles = await fx.store.list({ group: 'iam.mortise.io', kind: 'Role' }, { scope: 'shop' });
    assert.equal(roles.items.length, 3);
    assert.equal(
      fx.authz.authorize(alice, info('delete', 'widgets', { project: 'shop', name: 'x' })).allowed,
      true,
      'the creator is project-admin',
    );
    assert.equal(fx.authz.authorize(alice, info('get', 'widgets', { workspace: 'w2', name: 'x' })).allowed, false);
  });

  it('keeps the cleanup finalizers when a client replaces a workspace or project without them', async () => {
    const workspace = await fx.createWorkspace(admin, 'w1');
    const project = await fx.createProject(admin, 'w1', 'shop');
    const bare = (o: typeof workspace) => ({ ...o, metadata: { ...o.metadata, finalizers: [] } });
    const ws = await fx.write('update', admin, TEST_KINDS.Workspace, bare(workspace));
    const pr = await fx.write('update', admin, TEST_KINDS.Project, bare(project));
    assert.deepEqual(ws.metadata.finalizers, ['tenant.mortise.io/workspace-cleanup']);
    assert.deepEqual(pr.metadata.finalizers, ['tenant.mortise.io/project-cleanup']);
  });

  it('refuses to move a project to another workspace', async () => {
    await fx.createWorkspace(admin, 'w1');
    await fx.createWorkspace(admin, 'w2');
    const project = await fx.createProject(admin, 'w1', 'shop');
    await assert.rejects(
      fx.write(
        'update',
        admin,
        TEST_KINDS.Project,
        { ...project, metadata: { ...project.metadata, workspace: 'w2' } },
        {},
        'w1',
      ),
      InvalidError,
    );
  });

  it('refuses to delete a workspace with projects unless cascading, which removes everything inside', async () => {
    await fx.createWorkspace(admin, 'w1', 'alice');
    await fx.createProject(admin, 'w1', 'shop');
    await fx.store.create({
      apiVersion: 'example.mortise.io/v1',
      kind: 'Widget',
      metadata: { name: 'w', namespace: 'shop', workspace: 'w1' },
    });
    const workspace = await fx.store.get({ group: 'tenant.mortise.io', kind: 'Workspace', name: 'w1' });
    await assert.rejects(fx.write('delete', admin, TEST_KINDS.Workspace, workspace), (err: unknown) => {
      assert.ok(err instanceof ConflictError);
      assert.match(err.message, /still has 1 project\(s\) \(shop\).*cascade=true/);
      return true;
    });
    await fx.write('delete', admin, TEST_KINDS.Workspace, workspace, { cascade: 'true' });
    await assert.rejects(fx.store.get({ group: 'tenant.mortise.io', kind: 'Workspace', name: 'w1' }), NotFoundError);
    for (const [kind, scope] of [
      ['Project', 'w1'],
      ['WorkspaceRoleBinding', 'w1'],
      ['WorkspaceRole', 'w1'],
      ['Role', 'shop'],
      ['RoleBinding', 'shop'],
      ['Widget', 'shop'],
    ] as const) {
      const group =
        kind === 'Project' ? 'tenant.mortise.io' : kind === 'Widget' ? 'example.mortise.io' : 'iam.mortise.io';
      assert.equal((await fx.store.list({ group, kind }, { scope })).items.length, 0, `${kind} left behind`);
    }
    assert.equal(fx.authz.authorize(alice, info('get', 'widgets', { workspace: 'w1', name: 'x' })).allowed, false);
  });

  it('protects built-in roles from deletion', async () => {
    await fx.createWorkspace(admin, 'w1');
    const role = await fx.store.get({
      group: 'iam.mortise.io',
      kind: 'WorkspaceRole',
      scope: 'w1',
      name: 'workspace-viewer',
    });
    await assert.rejects(fx.write('delete', admin, TEST_KINDS.WorkspaceRole, role), ForbiddenError);
    const platform = await fx.store.get({ group: 'iam.mortise.io', kind: 'GlobalRole', name: 'platform-admin' });
    await assert.rejects(fx.write('delete', admin, TEST_KINDS.GlobalRole, platform), ForbiddenError);
  });

  it('refuses roles and bindings that grant more than the caller holds', async () => {
    await fx.createWorkspace(admin, 'w1', 'alice');
    await fx.createProject(admin, 'w1', 'shop');
    const bob = await fx.addUser('bob');
    await fx.members.add(
      admin,
      { level: 'project', project: 'shop', workspace: 'w1' },
      { username: 'bob', role: 'project-admin' },
    );
    const scope = { level: 'project', project: 'shop', workspace: 'w1' } as const;
    const star = roleObject('Role', 'all-powerful', scope, [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]);
    await assert.rejects(fx.write('create', bob, TEST_KINDS.Role, star), ForbiddenError);
    const narrow = roleObject('Role', 'widget-reader', scope, [
      { apiGroups: ['example.mortise.io'], resources: ['widgets'], verbs: ['get'] },
    ]);
    await fx.write('create', bob, TEST_KINDS.Role, narrow);
    const selfPromotion = {
      apiVersion: 'iam.mortise.io/v1',
      kind: 'GlobalRoleBinding',
      metadata: { name: 'alice-admin' },
      roleRef: { apiGroup: 'iam.mortise.io', kind: 'GlobalRole', name: 'platform-admin' },
      subjects: [{ kind: 'User', name: 'alice' }],
    };
    await assert.rejects(fx.write('create', alice, TEST_KINDS.GlobalRoleBinding, selfPromotion), ForbiddenError);
    await fx.write('create', admin, TEST_KINDS.GlobalRoleBinding, selfPromotion);
    assert.equal(
      fx.authz.authorize(userCaller('alice'), info('delete', 'users', { apiGroup: 'iam.mortise.io', name: 'x' }))
        .allowed,
      true,
    );
  });
});
