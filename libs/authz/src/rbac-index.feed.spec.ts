import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { Caller } from '@mortise/api';
import { MemoryStore } from '@mortise/store';
import { resourceRequestInfo } from './access-check.js';
import { RbacAuthorizer } from './rbac-authorizer.js';
import { RbacIndex } from './rbac-index.js';
import { RbacIndexFeed } from './rbac-index.feed.js';
import { bindingObject, roleObject } from './rbac-objects.js';

const bob: Caller = { user: { username: 'bob', uid: 'bob', groups: [] }, credential: 'token' };
const check = resourceRequestInfo('get', { apiGroup: 'example.io', resource: 'widgets', workspace: 'w1', name: 'a' });

async function eventually(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.ok(condition(), 'condition not met within 1 s');
}

describe(RbacIndexFeed.name, () => {
  const feeds: RbacIndexFeed[] = [];
  afterEach(async () => {
    for (const feed of feeds.splice(0)) await feed.stop();
  });

  it('brings every replica’s decisions in step with the store: grants and revocations alike', async () => {
    const store = new MemoryStore();
    const ws = { level: 'workspace', workspace: 'w1' } as const;
    await store.create(
      roleObject('WorkspaceRole', 'viewer', ws, [
        { apiGroups: ['example.io'], resources: ['widgets'], verbs: ['get'] },
      ]),
    );
    const replicas = [new RbacIndex(), new RbacIndex()].map((index) => {
      const feed = new RbacIndexFeed(store, index);
      feeds.push(feed);
      return { feed, authz: new RbacAuthorizer(index) };
    });
    for (const r of replicas) await r.feed.start();
    for (const r of replicas) assert.equal(r.authz.authorize(bob, check).allowed, false);

    await store.create(bindingObject('WorkspaceRoleBinding', 'bob', ws, 'viewer', [{ kind: 'User', name: 'bob' }]));
    await eventually(() => replicas.every((r) => r.authz.authorize(bob, check).allowed));

    await store.delete({ group: 'iam.mortise.io', kind: 'WorkspaceRoleBinding', scope: 'w1', name: 'bob' });
    await eventually(() => replicas.every((r) => !r.authz.authorize(bob, check).allowed));
    await store.close();
  });

  it('starts from what the store already holds', async () => {
    const store = new MemoryStore();
    await store.create(
      roleObject('GlobalRole', 'all', { level: 'global' }, [{ apiGroups: ['*'], resources: ['*'], verbs: ['get'] }]),
    );
    await store.create(
      bindingObject('GlobalRoleBinding', 'bob', { level: 'global' }, 'all', [{ kind: 'User', name: 'bob' }]),
    );
    const index = new RbacIndex();
    const feed = new RbacIndexFeed(store, index);
    feeds.push(feed);
    await feed.start();
    assert.equal(new RbacAuthorizer(index).authorize(bob, check).allowed, true);
    await store.close();
  });
});
