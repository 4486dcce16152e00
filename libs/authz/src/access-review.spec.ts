import { describe, it, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  ForbiddenError,
  InvalidError,
  KindRegistry,
  NotFoundError,
  type Caller,
  type KindDefinition,
} from '@mortise/api';
import { AccessReviewer, parseAccessReview } from './access-review.js';
import { RbacAuthorizer } from './rbac-authorizer.js';
import { RbacIndex } from './rbac-index.js';
import { bindingObject, roleObject } from './rbac-objects.js';

function kind(group: string, plural: string): KindDefinition {
  return {
    group,
    version: 'v1',
    kind: plural,
    plural,
    singular: plural,
    scope: 'workspace',
    schema: {},
  } as KindDefinition;
}

function caller(username: string): Caller {
  return { user: { username, uid: username, groups: ['system:authenticated'] }, credential: 'token' };
}

describe(AccessReviewer.name, () => {
  let reviewer: AccessReviewer;
  const users = new Set(['alice', 'bob', 'root']);

  beforeEach(() => {
    const index = new RbacIndex();
    const kinds = new KindRegistry();
    kinds.register(kind('example.io', 'widgets'));
    kinds.register(kind('other.io', 'gadgets'));
    kinds.register(kind('more.io', 'gadgets'));
    const ws = { level: 'workspace', workspace: 'w1' } as const;
    index.apply(
      'ADDED',
      roleObject('WorkspaceRole', 'editor', ws, [{ apiGroups: ['example.io'], resources: ['widgets'], verbs: ['*'] }]),
    );
    index.apply(
      'ADDED',
      bindingObject('WorkspaceRoleBinding', 'alice-editor', ws, 'editor', [{ kind: 'User', name: 'alice' }]),
    );
    index.apply(
      'ADDED',
      roleObject('GlobalRole', 'admin', { level: 'global' }, [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]),
    );
    index.apply(
      'ADDED',
      bindingObject('GlobalRoleBinding', 'root', { level: 'global' }, 'admin', [{ kind: 'User', name: 'root' }]),
    );
    reviewer = new AccessReviewer(new RbacAuthorizer(index), kinds, (u) => users.has(u));
  });

  it('answers about the caller, resolving a unique plural to its group, with role and binding', () => {
    const result = reviewer.review(
      caller('alice'),
      parseAccessReview({ verb: 'delete', resource: 'widgets', workspace: 'w1' }),
    );
    assert.equal(result.allowed, true);
    assert.equal(result.role?.name, 'editor');
    assert.equal(result.binding?.name, 'alice-editor');
    const denied = reviewer.review(
      caller('alice'),
      parseAccessReview({ verb: 'delete', resource: 'widgets', workspace: 'w2' }),
    );
    assert.deepEqual(
      { allowed: denied.allowed, role: denied.role, binding: denied.binding },
      { allowed: false, role: null, binding: null },
    );
  });

  it('needs apiGroup when the plural is ambiguous or unknown', () => {
    assert.throws(
      () => reviewer.review(caller('alice'), parseAccessReview({ verb: 'get', resource: 'gadgets' })),
      InvalidError,
    );
    assert.throws(
      () => reviewer.review(caller('alice'), parseAccessReview({ verb: 'get', resource: 'nothing' })),
      InvalidError,
    );
  });

  it('lets only permitted callers ask about others, and 404s unknown users', () => {
    assert.throws(
      () => reviewer.review(caller('bob'), parseAccessReview({ user: 'alice', verb: 'get', resource: 'widgets' })),
      ForbiddenError,
    );
    const asked = reviewer.review(
      caller('root'),
      parseAccessReview({ user: 'alice', verb: 'get', resource: 'widgets', workspace: 'w1' }),
    );
    assert.equal(asked.allowed, true);
    assert.throws(
      () => reviewer.review(caller('root'), parseAccessReview({ user: 'ghost', verb: 'get', resource: 'widgets' })),
      NotFoundError,
    );
  });

  it('answers non-resource questions and rejects malformed bodies', () => {
    assert.equal(
      reviewer.review(caller('root'), parseAccessReview({ verb: 'get', nonResourceURL: '/metrics' })).allowed,
      true,
    );
    assert.throws(() => parseAccessReview({ resource: 'widgets' }), InvalidError);
    assert.throws(() => parseAccessReview({ verb: 'get', resource: 'a', nonResourceURL: '/b' }), InvalidError);
    assert.throws(() => parseAccessReview('nope'), InvalidError);
  });
});
