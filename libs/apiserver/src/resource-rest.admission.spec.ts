import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  ANONYMOUS_CALLER,
  ConflictError,
  KindRegistry,
  NotFoundError,
  type AdmissionRequest,
  type Caller,
  type KindDefinition,
  type Resource,
} from '@mortise/api';
import { MemoryStore } from '@mortise/store';
import { AdmissionChain } from './admission-chain.js';
import { ResourceRest } from './resource-rest.js';
import type { ResourceTarget } from './resource-target.js';

const THING: KindDefinition = {
  group: 'example.io',
  version: 'v1',
  kind: 'Thing',
  plural: 'things',
  singular: 'thing',
  scope: 'global',
  schema: {},
} as KindDefinition;

const ann: Caller = { user: { username: 'ann', uid: 'ann', groups: [] }, credential: 'token' };

function target(verb: ResourceTarget['verb'], name = ''): ResourceTarget {
  return { def: THING, verb, scope: 'global', workspace: '', project: '', name, subresource: '' };
}

function thing(name: string): Resource {
  return { apiVersion: 'example.io/v1', kind: 'Thing', metadata: { name } };
}

describe('ResourceRest admission and narrowed lists', () => {
  let store: MemoryStore;
  let rest: ResourceRest;
  let seen: string[];

  beforeEach(() => {
    store = new MemoryStore();
    seen = [];
    const admission = new AdmissionChain().use(
      {
        name: 'labels-and-refusals',
        admit: (req: AdmissionRequest) => {
          seen.push(
            `admit ${req.operation} ${req.object.metadata.name} by ${req.caller.user.username} ${JSON.stringify(req.options)}`,
          );
          if (req.object.metadata.name.startsWith('bad')) throw new ConflictError('refused');
          if (req.operation !== 'delete')
            req.object.metadata.labels = { ...req.object.metadata.labels, admitted: 'yes' };
          if (req.operation === 'update') assert.ok(req.oldObject, 'updates see the stored object');
        },
        written: (req: AdmissionRequest, stored: Resource) => {
          seen.push(`written ${req.operation} ${stored.metadata.name}`);
        },
      },
      {
        name: 'other kinds only',
        handles: (kind) => kind.kind !== 'Thing',
        admit: () => assert.fail('not for things'),
      },
    );
    rest = new ResourceRest({ store, kinds: new KindRegistry(), validatorFor: () => () => undefined, admission });
  });
  afterEach(() => store.close());

  it('runs every write through admit and written, with the caller and options; a refusal writes nothing', async () => {
    const created = await rest.create(target('create'), thing('a'), { caller: ann, options: { cascade: 'true' } });
    assert.equal(created.metadata.labels?.admitted, 'yes');
    await assert.rejects(rest.create(target('create'), thing('bad'), { caller: ann }), ConflictError);
    await assert.rejects(store.get({ group: 'example.io', kind: 'Thing', name: 'bad' }));
    const patched = await rest.patch(
      target('patch', 'a'),
      'application/merge-patch+json',
      { spec: { x: 1 } },
      { caller: ann },
    );
    assert.equal(patched.metadata.labels?.admitted, 'yes');
    await rest.delete(target('delete', 'a'), undefined);
    assert.deepEqual(seen, [
      'admit create a by ann {"cascade":"true"}',
      'written create a',
      'admit create bad by ann {}',
      'admit update a by ann {}',
      'written update a',
      `admit delete a by ${ANONYMOUS_CALLER.user.username} {}`,
      'written delete a',
    ]);
  });

  it('lets plugins narrow what a caller sees, hide objects and replace what a create returns', async () => {
    const owned = new ResourceRest({
      store,
      kinds: new KindRegistry(),
      validatorFor: () => () => undefined,
      admission: new AdmissionChain().use({
        name: 'ownership',
        admit: (req) => {
          req.object.metadata.labels = { owner: req.caller.user.username };
        },
        written: (_req, stored) => ({ ...stored, status: { secret: 'shown once' } }),
        listSelector: (caller) => `owner=${caller.user.username}`,
        checkAccess: (caller, object) => {
          if (object.metadata.labels?.owner !== caller.user.username) throw new NotFoundError('not found');
        },
      }),
    });
    const bob: Caller = { ...ann, user: { ...ann.user, username: 'bob' } };
    const created = await owned.create(target('create'), thing('k1'), { caller: ann });
    assert.deepEqual(created.status, { secret: 'shown once' });
    await owned.create(target('create'), thing('k2'), { caller: bob });
    const mine = await owned.list(target('list'), { allowWatchBookmarks: false }, { caller: ann });
    assert.deepEqual(
      mine.items.map((i) => i.metadata.name),
      ['k1'],
    );
    await assert.rejects(owned.get(target('get', 'k2'), { caller: ann }), NotFoundError);
    await assert.rejects(owned.delete(target('delete', 'k2'), undefined, { caller: ann }), NotFoundError);
    assert.equal((await owned.get(target('get', 'k2'), { caller: bob })).metadata.name, 'k2');
  });

  it('refills a narrowed page from the following ones up to the limit', async () => {
    for (const name of ['a1', 'b1', 'a2', 'b2', 'a3', 'b3']) await store.create(thing(name));
    const onlyA = (o: Resource) => o.metadata.name.startsWith('a');
    const first = await rest.list(
      target('list'),
      { limit: 2, allowWatchBookmarks: false },
      { caller: ann, visible: onlyA },
    );
    assert.deepEqual(
      first.items.map((i) => i.metadata.name),
      ['a1', 'a2'],
    );
    assert.ok(first.metadata.continue);
    const rest2 = await rest.list(
      target('list'),
      { limit: 2, continue: first.metadata.continue, allowWatchBookmarks: false },
      { caller: ann, visible: onlyA },
    );
    assert.deepEqual(
      rest2.items.map((i) => i.metadata.name),
      ['a3'],
    );
    const all = await rest.list(target('list'), { allowWatchBookmarks: false }, { caller: ann, visible: onlyA });
    assert.equal(all.items.length, 3);
    assert.equal(all.metadata.remainingItemCount, undefined);
  });
});
