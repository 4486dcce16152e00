import { describe, it, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { type Caller, type RequestInfo, type Resource, aggregateToLabel } from '@mortise/api';
import { resourceRequestInfo } from './access-check.js';
import { RbacAuthorizer } from './rbac-authorizer.js';
import { RbacIndex } from './rbac-index.js';
import { bindingObject, roleObject } from './rbac-objects.js';

const ALL: { apiGroups: string[]; resources: string[]; verbs: string[] } = {
  apiGroups: ['*'],
  resources: ['*'],
  verbs: ['*'],
};

let version = 0;
function add(index: RbacIndex, object: Resource): Resource {
  const stored = { ...object, metadata: { ...object.metadata, resourceVersion: String(++version) } };
  index.apply('ADDED', stored);
  return stored;
}

function project(name: string, workspace: string): Resource {
  return { apiVersion: 'tenant.mortise.io/v1', kind: 'Project', metadata: { name, workspace }, spec: {} };
}

function caller(username: string, groups: string[] = ['system:authenticated']): Caller {
  return { user: { username, uid: username, groups }, credential: 'token' };
}

function request(verb: string, resource: string, where: Partial<RequestInfo> = {}): RequestInfo {
  return resourceRequestInfo(verb as RequestInfo['verb'], { apiGroup: 'example.io', ...where, resource });
}

describe(RbacAuthorizer.name, () => {
  let index: RbacIndex;
  let authz: RbacAuthorizer;

  beforeEach(() => {
    index = new RbacIndex();
    authz = new RbacAuthorizer(index);
    add(index, project('p1', 'w1'));
    add(index, project('p2', 'w2'));
    add(
      index,
      roleObject('GlobalRole', 'user-reader', { level: 'global' }, [
        { apiGroups: ['iam.mortise.io'], resources: ['users'], verbs: ['get', 'list'] },
      ]),
    );
    for (const ws of ['w1', 'w2']) {
      add(index, roleObject('WorkspaceRole', 'admin', { level: 'workspace', workspace: ws }, [ALL]));
    }
    add(
      index,
      roleObject('Role', 'viewer', { level: 'project', project: 'p2', workspace: 'w2' }, [
        { apiGroups: ['example.io'], resources: ['widgets'], verbs: ['get', 'list'] },
      ]),
    );
    add(
      index,
      bindingObject('GlobalRoleBinding', 'alice-reader', { level: 'global' }, 'user-reader', [
        { kind: 'User', name: 'alice' },
      ]),
    );
    add(
      index,
      bindingObject('WorkspaceRoleBinding', 'bob-admin', { level: 'workspace', workspace: 'w1' }, 'admin', [
        { kind: 'User', name: 'bob' },
      ]),
    );
    add(
      index,
      bindingObject('RoleBinding', 'carol-viewer', { level: 'project', project: 'p2', workspace: 'w2' }, 'viewer', [
        { kind: 'User', name: 'carol' },
      ]),
    );
  });

  describe('global grants', () => {
    it('allows what the role says and names the role and binding', () => {
      const decision = authz.authorize(caller('alice'), request('get', 'users', { apiGroup: 'iam.mortise.io' }));
      assert.equal(decision.allowed, true);
      assert.deepEqual(decision.role, { kind: 'GlobalRole', name: 'user-reader' });
      assert.deepEqual(decision.binding, { kind: 'GlobalRoleBinding', name: 'alice-reader' });
    });

    it('denies other verbs, groups and unknown users by default', () => {
      assert.equal(
        authz.authorize(caller('alice'), request('delete', 'users', { apiGroup: 'iam.mortise.io' })).allowed,
        false,
      );
      assert.equal(authz.authorize(caller('alice'), request('get', 'users')).allowed, false);
      const nobody = authz.authorize(caller('mallory'), request('get', 'users', { apiGroup: 'iam.mortise.io' }));
      assert.equal(nobody.allowed, false);
      assert.equal(nobody.role, null);
    });
  });

  describe('workspace grants', () => {
    it('reach the workspace, its projects and the Workspace object, and nothing else', () => {
      const bob = caller('bob');
      assert.equal(authz.authorize(bob, request('create', 'widgets', { workspace: 'w1' })).allowed, true);
      assert.equal(authz.authorize(bob, request('delete', 'widgets', { project: 'p1', name: 'x' })).allowed, true);
      const self = request('get', 'workspaces', { apiGroup: 'tenant.mortise.io', name: 'w1', workspace: 'w1' });
      assert.equal(authz.authorize(bob, { ...self, scope: 'global' }).allowed, true);
      assert.equal(authz.authorize(bob, request('get', 'widgets', { workspace: 'w2' })).allowed, false);
      assert.equal(authz.authorize(bob, request('get', 'widgets', { project: 'p2' })).allowed, false);
      assert.equal(authz.authorize(bob, request('get', 'widgets')).allowed, false);
    });

    it('takes a project’s workspace from the Project, not from the path', () => {
      const borrowed = request('get', 'projects', { apiGroup: 'tenant.mortise.io', workspace: 'w1', name: 'p2' });
      assert.equal(authz.authorize(caller('bob'), borrowed).allowed, false);
    });
  });

  describe('project grants', () => {
    it('reach only their project', () => {
      const carol = caller('carol');
      const decision = authz.authorize(carol, request('get', 'widgets', { project: 'p2', name: 'a' }));
      assert.equal(decision.allowed, true);
      assert.deepEqual(decision.binding, { kind: 'RoleBinding', name: 'carol-viewer', project: 'p2', workspace: 'w2' });
      assert.equal(authz.authorize(carol, request('get', 'widgets', { project: 'p1', name: 'a' })).allowed, false);
      assert.equal(authz.authorize(carol, request('update', 'widgets', { project: 'p2', name: 'a' })).allowed, false);
    });
  });

  describe('lists wider than the grants', () => {
    it('are allowed filtered when some object in scope may be got, denied in another tenant', () => {
      const carol = caller('carol');
      const inW2 = authz.authorize(carol, request('list', 'widgets', { workspace: 'w2' }));
      assert.equal(inW2.allowed, true);
      assert.equal(inW2.filtered, true);
      assert.equal(authz.authorize(carol, request('list', 'widgets', { workspace: 'w1' })).allowed, false);
      assert.equal(authz.authorize(carol, request('list', 'gadgets', { workspace: 'w2' })).allowed, false);
    });

    it('filter objects by what the caller may get', () => {
      const bob = caller('bob');
      const ws = (name: string) => ({ metadata: { name } });
      assert.equal(authz.mayGet(bob, 'tenant.mortise.io', 'workspaces', ws('w1')), true);
      assert.equal(authz.mayGet(bob, 'tenant.mortise.io', 'workspaces', ws('w2')), false);
      const listAll = authz.authorize(bob, request('list', 'workspaces', { apiGroup: 'tenant.mortise.io' }));
      assert.equal(listAll.filtered, true);
    });
  });

  describe('revocation', () => {
    it('takes effect on the next decision', () => {
      const carol = caller('carol');
      const check = request('get', 'widgets', { project: 'p2', name: 'a' });
      assert.equal(authz.authorize(carol, check).allowed, true);
      index.apply('DELETED', {
        ...bindingObject(
          'RoleBinding',
          'carol-viewer',
          { level: 'project', project: 'p2', workspace: 'w2' },
          'viewer',
          [],
        ),
      });
      assert.equal(authz.authorize(carol, check).allowed, false);
    });

    it('decides a RequestInfo shared between requests per caller, and again after a change', () => {
      const shared = request('delete', 'widgets', { project: 'p2', name: 'a' });
      assert.equal(authz.authorize(caller('bob'), shared).allowed, false);
      assert.equal(authz.authorize(caller('carol'), shared).allowed, false);
      // p2 moves into w1, where bob is admin: the same object is now allowed to him, still not to carol.
      add(index, project('p2', 'w1'));
      assert.equal(authz.authorize(caller('bob'), shared).allowed, true);
      assert.equal(authz.authorize(caller('carol'), shared).allowed, false);
    });

    it('keeps cached decisions when only status or timestamps of a user change', () => {
      const user = add(index, {
        apiVersion: 'iam.mortise.io/v1',
        kind: 'User',
        metadata: { name: 'alice' },
        spec: { groups: [] },
      });
      let invalidations = 0;
      index.onChange(() => invalidations++);
      add(index, { ...user, status: { lastLoginTime: '2026-01-01T00:00:00Z' } });
      assert.equal(invalidations, 0);
      add(index, { ...user, spec: { groups: ['ops'] } });
      assert.equal(invalidations, 1);
    });

    it('ignores events older than what the index has seen', () => {
      const stale = bindingObject('GlobalRoleBinding', 'alice-reader', { level: 'global' }, 'user-reader', []);
      assert.equal(index.apply('MODIFIED', { ...stale, metadata: { ...stale.metadata, resourceVersion: '1' } }), false);
      assert.equal(
        authz.authorize(caller('alice'), request('get', 'users', { apiGroup: 'iam.mortise.io' })).allowed,
        true,
      );
    });
  });

  describe('groups', () => {
    it('grant through bindings to a group the caller or the stored user belongs to', () => {
      add(
        index,
        bindingObject('GlobalRoleBinding', 'readers', { level: 'global' }, 'user-reader', [
          { kind: 'Group', name: 'ops' },
        ]),
      );
      const check = request('list', 'users', { apiGroup: 'iam.mortise.io' });
      assert.equal(authz.authorize(caller('dave', ['ops']), check).allowed, true);
      assert.equal(authz.authorize(caller('erin'), check).allowed, false);
      add(index, {
        apiVersion: 'iam.mortise.io/v1',
        kind: 'User',
        metadata: { name: 'erin' },
        spec: { groups: ['ops'] },
      });
      assert.equal(authz.authorize(caller('erin'), check).allowed, true);
    });
  });

  describe('rule shapes', () => {
    it('honours resourceNames, @me, subresources and non-resource URLs', () => {
      add(
        index,
        roleObject('GlobalRole', 'self', { level: 'global' }, [
          {
            apiGroups: ['iam.mortise.io'],
            resources: ['users', 'users/password'],
            resourceNames: ['@me'],
            verbs: ['get', 'update'],
          },
          { apiGroups: ['example.io'], resources: ['pods/*'], verbs: ['get'] },
          { nonResourceURLs: ['/oauth/userinfo', '/kapis/*'], verbs: ['get'] },
        ]),
      );
      add(
        index,
        bindingObject('GlobalRoleBinding', 'self', { level: 'global' }, 'self', [{ kind: 'Group', name: 'all' }]),
      );
      const frank = caller('frank', ['all']);
      const iam = { apiGroup: 'iam.mortise.io' };
      assert.equal(authz.authorize(frank, request('update', 'users', { ...iam, name: 'frank' })).allowed, true);
      assert.equal(
        authz.authorize(frank, request('update', 'users', { ...iam, name: 'frank', subresource: 'password' })).allowed,
        true,
      );
      assert.equal(authz.authorize(frank, request('update', 'users', { ...iam, name: 'alice' })).allowed, false);
      assert.equal(authz.authorize(frank, request('get', 'pods', { name: 'x', subresource: 'log' })).allowed, true);
      assert.equal(authz.authorize(frank, request('get', 'pods', { name: 'x' })).allowed, false);
      const path = (p: string, verb = 'get'): RequestInfo => ({
        ...request(verb, ''),
        isResourceRequest: false,
        path: p,
      });
      assert.equal(authz.authorize(frank, path('/oauth/userinfo')).allowed, true);
      assert.equal(authz.authorize(frank, path('/kapis/anything')).allowed, true);
      assert.equal(authz.authorize(frank, path('/oauth/userinfo', 'post')).allowed, false);
      assert.equal(authz.authorize(frank, path('/metrics')).allowed, false);
    });
  });

  describe('role templates', () => {
    it('are aggregated by label, and a template change reaches the role', () => {
      add(
        index,
        roleObject('WorkspaceRole', 'regular', { level: 'workspace', workspace: 'w2' }, [], {
          aggregationRoleTemplates: { roleSelector: { matchLabels: { [aggregateToLabel('regular')]: 'true' } } },
        }),
      );
      add(
        index,
        bindingObject('WorkspaceRoleBinding', 'gus', { level: 'workspace', workspace: 'w2' }, 'regular', [
          { kind: 'User', name: 'gus' },
        ]),
      );
      const check = request('get', 'gadgets', { workspace: 'w2', name: 'g' });
      assert.equal(authz.authorize(caller('gus'), check).allowed, false);
      const template = {
        apiVersion: 'iam.mortise.io/v1',
        kind: 'RoleTemplate',
        metadata: { name: 'gadgets-view', labels: { [aggregateToLabel('regular')]: 'true' } },
        rules: [{ apiGroups: ['example.io'], resources: ['gadgets'], verbs: ['get'] }],
      };
      add(index, template);
      assert.equal(authz.authorize(caller('gus'), check).allowed, true);
      add(index, { ...template, rules: [{ apiGroups: ['example.io'], resources: ['gadgets'], verbs: ['list'] }] });
      assert.equal(authz.authorize(caller('gus'), check).allowed, false);
    });
  });

  describe('API keys', () => {
    it('are limited to the intersection of their rules and the owner’s', () => {
      add(index, {
        apiVersion: 'iam.mortise.io/v1',
        kind: 'APIKey',
        metadata: { name: 'k1' },
        spec: { owner: 'bob', rules: [{ apiGroups: ['example.io'], resources: ['widgets'], verbs: ['get'] }] },
        status: { id: 'key-1' },
      });
      const viaKey: Caller = { ...caller('bob'), credential: 'apikey', credentialId: 'key-1' };
      assert.equal(authz.authorize(viaKey, request('get', 'widgets', { workspace: 'w1', name: 'a' })).allowed, true);
      assert.equal(
        authz.authorize(viaKey, request('delete', 'widgets', { workspace: 'w1', name: 'a' })).allowed,
        false,
      );
      assert.equal(authz.authorize(viaKey, request('get', 'widgets', { workspace: 'w2', name: 'a' })).allowed, false);
    });
  });

  describe('escalation', () => {
    it('finds rules the principal does not hold at the target scope', () => {
      const bob = authz.principalOf(caller('bob'));
      assert.deepEqual(authz.uncoveredRules(bob, [ALL], { level: 'workspace', workspace: 'w1' }), []);
      assert.equal(authz.uncoveredRules(bob, [ALL], { level: 'global' }).length, 1);
      const carol = authz.principalOf(caller('carol'));
      const scope = { level: 'project', project: 'p2', workspace: 'w2' } as const;
      assert.deepEqual(
        authz.uncoveredRules(carol, [{ apiGroups: ['example.io'], resources: ['widgets'], verbs: ['get'] }], scope),
        [],
      );
      const wider = authz.uncoveredRules(
        carol,
        [{ apiGroups: ['example.io'], resources: ['*'], verbs: ['get', 'delete'] }],
        scope,
      );
      assert.equal(wider.length, 2);
    });
  });

  describe('many workspaces', () => {
    it('decide through one merged rule set and name the binding of the matching workspace', () => {
      for (let i = 0; i < 200; i++) {
        add(index, roleObject('WorkspaceRole', 'admin', { level: 'workspace', workspace: `m${i}` }, [ALL]));
        add(
          index,
          bindingObject('WorkspaceRoleBinding', 'hal', { level: 'workspace', workspace: `m${i}` }, 'admin', [
            { kind: 'User', name: 'hal' },
          ]),
        );
      }
      const hal = caller('hal');
      const decision = authz.authorize(hal, request('get', 'widgets', { workspace: 'm150', name: 'a' }));
      assert.equal(decision.allowed, true);
      assert.deepEqual(decision.binding, { kind: 'WorkspaceRoleBinding', name: 'hal', workspace: 'm150' });
      assert.equal(authz.authorize(hal, request('get', 'widgets', { workspace: 'w1', name: 'a' })).allowed, false);
    });
  });
});
