import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { AlreadyExistsError, ForbiddenError, InvalidError, NotFoundError, type Caller } from '@mortise/api';
import { resourceRequestInfo, roleObject } from '@mortise/authz';
import { MembersService, type MemberScope } from './members.service.js';
import { TEST_KINDS, TenancyFixture, userCaller } from './testing/tenancy-fixture.js';

describe(MembersService.name, () => {
  let fx: TenancyFixture;
  let admin: Caller;
  let alice: Caller;
  let ws: MemberScope;

  beforeEach(async () => {
    fx = await TenancyFixture.start();
    admin = await fx.addUser('admin');
    alice = await fx.addUser('alice');
    await fx.addUser('bob');
    await fx.createWorkspace(admin, 'w1', 'alice');
    ws = await fx.members.workspaceScope('w1');
  });
  afterEach(() => fx.stop());

  it('adds, lists, changes and removes members, one role per user per scope', async () => {
    assert.deepEqual(await fx.members.add(alice, ws, { username: 'bob', role: 'workspace-regular' }), {
      username: 'bob',
      role: 'workspace-regular',
    });
    await assert.rejects(fx.members.add(alice, ws, { username: 'bob', role: 'workspace-viewer' }), AlreadyExistsError);
    await fx.members.update(alice, ws, 'bob', { role: 'workspace-viewer' });
    assert.deepEqual((await fx.members.list(alice, ws)).items, [
      { username: 'alice', role: 'workspace-admin' },
      { username: 'bob', role: 'workspace-viewer' },
    ]);
    await fx.members.remove(alice, ws, 'bob');
    await assert.rejects(fx.members.get(alice, ws, 'bob'), NotFoundError);
    await assert.rejects(fx.members.remove(alice, ws, 'bob'), NotFoundError);
  });

  it('says 404 for an unknown user, role, workspace or project, and 422 for a bad body', async () => {
    await assert.rejects(fx.members.add(alice, ws, { username: 'ghost', role: 'workspace-regular' }), NotFoundError);
    await assert.rejects(fx.members.add(alice, ws, { username: 'bob', role: 'no-such-role' }), NotFoundError);
    await assert.rejects(fx.members.workspaceScope('nowhere'), NotFoundError);
    await assert.rejects(fx.members.projectScope('nowhere'), NotFoundError);
    await assert.rejects(fx.members.add(alice, ws, { username: 'bob' }), InvalidError);
  });

  it('grants project membership at the project, resolving its workspace', async () => {
    await fx.createProject(admin, 'w1', 'shop');
    const project = await fx.members.projectScope('shop');
    assert.deepEqual(project, { level: 'project', project: 'shop', workspace: 'w1' });
    await fx.members.add(alice, project, { username: 'bob', role: 'project-viewer' });
    const decision = fx.authz.authorize(
      userCaller('bob'),
      resourceRequestInfo('get', { apiGroup: 'example.mortise.io', resource: 'widgets', name: 'x', project: 'shop' }),
    );
    assert.equal(decision.allowed, true);
    assert.equal(decision.binding?.name, 'bob-project-viewer');
  });

  it('refuses to hand out a role the caller could not create', async () => {
    await fx.createProject(admin, 'w1', 'shop');
    const project = await fx.members.projectScope('shop');
    const scope = { level: 'project', project: 'shop', workspace: 'w1' } as const;
    await fx.write(
      'create',
      admin,
      TEST_KINDS.Role,
      roleObject('Role', 'root', scope, [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]),
    );
    await fx.members.add(admin, project, { username: 'bob', role: 'project-admin' });
    const bob = userCaller('bob');
    await assert.rejects(fx.members.add(bob, project, { username: 'alice', role: 'root' }), ForbiddenError);
    await fx.members.add(bob, project, { username: 'alice', role: 'project-operator' });
  });
});
