import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AlreadyExistsError, ConflictError, InvalidError, NotFoundError } from '@mortise/api';
import type { ContractContext } from './contract-context.js';
import { GADGET, ROLE, WIDGET, refTo, take, widget } from './store-fixtures.js';

export function crudContract({ open }: ContractContext): void {
  describe('create, get, update, delete', () => {
    it('creates with store-owned metadata and reads it back', async () => {
      const store = await open();
      const created = await store.create(widget('a', { metadata: { name: 'a', uid: 'forged', generation: 7 } }));
      assert.match(created.metadata.uid!, /^[0-9a-f-]{36}$/);
      assert.notEqual(created.metadata.uid, 'forged');
      assert.equal(created.metadata.generation, 1);
      assert.match(created.metadata.resourceVersion!, /^\d+$/);
      assert.match(created.metadata.creationTimestamp!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.deepEqual(await store.get(refTo(created)), created);
    });

    it('returns copies: mutating a result does not change the store', async () => {
      const store = await open();
      const created = await store.create(widget('a'));
      (created.spec as { size: number }).size = 99;
      assert.deepEqual((await store.get(refTo(created))).spec, { size: 1 });
    });

    it('refuses a duplicate with AlreadyExists and a missing object with NotFound', async () => {
      const store = await open();
      await store.create(widget('a'));
      await assert.rejects(store.create(widget('a')), AlreadyExistsError);
      await assert.rejects(store.get({ ...WIDGET, name: 'nope' }), NotFoundError);
      await assert.rejects(store.update(widget('nope')), NotFoundError);
      await assert.rejects(store.delete({ ...WIDGET, name: 'nope' }), NotFoundError);
    });

    it('keeps kinds and scopes apart', async () => {
      const store = await open();
      await store.create(widget('a', { namespace: 'p1' }));
      await store.create(widget('a', { namespace: 'p2' }));
      await store.create({ ...widget('a'), kind: 'Gadget' });
      await assert.rejects(store.get({ ...WIDGET, name: 'a' }), NotFoundError);
      assert.equal((await store.get({ ...GADGET, name: 'a' })).kind, 'Gadget');
      assert.equal((await store.get({ ...WIDGET, scope: 'p2', name: 'a' })).metadata.namespace, 'p2');
    });

    it('refuses an object without a name', async () => {
      const store = await open();
      await assert.rejects(store.create(widget('')), InvalidError);
    });

    it('generates distinct names from generateName', async () => {
      const store = await open();
      const make = () => store.create(widget('', { metadata: { name: '', generateName: 'w-' } }));
      const [a, b] = await Promise.all([make(), make()]);
      assert.match(a.metadata.name, /^w-[a-z0-9]{5}$/);
      assert.notEqual(a.metadata.name, b.metadata.name);
    });

    it('uses one increasing resourceVersion across kinds', async () => {
      const store = await open();
      const a = await store.create(widget('a'));
      const b = await store.create({ ...widget('b'), kind: 'Gadget' });
      const c = await store.update({ ...a, spec: { size: 2 } });
      const versions = [a, b, c].map((o) => Number(o.metadata.resourceVersion));
      assert.deepEqual(
        [...versions].sort((x, y) => x - y),
        versions,
      );
      assert.equal(new Set(versions).size, 3);
    });

    it('deletes and returns the last state', async () => {
      const store = await open();
      const created = await store.create(widget('a'));
      const deleted = await store.delete(refTo(created));
      assert.equal(deleted.metadata.uid, created.metadata.uid);
      await assert.rejects(store.get(refTo(created)), NotFoundError);
    });
  });

  describe('optimistic concurrency', () => {
    it('rejects a stale resourceVersion with Conflict and accepts an absent one', async () => {
      const store = await open();
      const v1 = await store.create(widget('a'));
      const v2 = await store.update({ ...v1, spec: { size: 2 } });
      await assert.rejects(store.update({ ...v1, spec: { size: 3 } }), ConflictError);
      const { resourceVersion: _dropped, ...metadata } = v2.metadata;
      const v3 = await store.update({ ...v2, metadata, spec: { size: 4 } });
      assert.deepEqual(v3.spec, { size: 4 });
    });

    it('lets exactly one of several racing writers win', async () => {
      const store = await open();
      const base = await store.create(widget('a'));
      const results = await Promise.allSettled(
        [2, 3, 4, 5, 6].map((size) => store.update({ ...base, spec: { size } })),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r) => r.status === 'rejected');
      assert.equal(won.length, 1);
      assert.ok(lost.every((r) => r.reason instanceof ConflictError));
    });

    it('checks a delete precondition', async () => {
      const store = await open();
      const v1 = await store.create(widget('a'));
      await store.update({ ...v1, spec: { size: 2 } });
      await assert.rejects(store.delete(refTo(v1), { resourceVersion: v1.metadata.resourceVersion! }), ConflictError);
    });
  });

  describe('generation and status', () => {
    it('bumps generation on spec changes only', async () => {
      const store = await open();
      const v1 = await store.create(widget('a'));
      const labelled = await store.update({ ...v1, metadata: { ...v1.metadata, labels: { x: 'y' } } });
      assert.equal(labelled.metadata.generation, 1);
      assert.deepEqual(labelled.metadata.labels, { x: 'y' });
      const respecced = await store.update({ ...labelled, spec: { size: 2 } });
      assert.equal(respecced.metadata.generation, 2);
    });

    it('bumps generation on RBAC fields for kinds without spec', async () => {
      const store = await open();
      const role = await store.create({
        apiVersion: 'test.mortise.io/v1',
        kind: ROLE.kind,
        metadata: { name: 'r' },
        rules: [],
      });
      const changed = await store.update({ ...role, rules: [{ verbs: ['get'] }] });
      assert.equal(changed.metadata.generation, 2);
    });

    it('keeps immutable metadata on update', async () => {
      const store = await open();
      const v1 = await store.create(widget('a'));
      const v2 = await store.update({
        ...v1,
        metadata: { ...v1.metadata, uid: 'x', creationTimestamp: '2000-01-01T00:00:00Z', generation: 40 },
        spec: { size: 2 },
      });
      assert.equal(v2.metadata.uid, v1.metadata.uid);
      assert.equal(v2.metadata.creationTimestamp, v1.metadata.creationTimestamp);
      assert.equal(v2.metadata.generation, 2);
    });

    it('ignores status on a main update and writes only status through the subresource', async () => {
      const store = await open();
      const v1 = await store.create(widget('a', { status: { phase: 'New' } }));
      const v2 = await store.update({ ...v1, spec: { size: 2 }, status: { phase: 'Hacked' } });
      assert.deepEqual(v2.status, { phase: 'New' });
      const v3 = await store.update(
        { ...v2, spec: { size: 9 }, status: { phase: 'Ready' } },
        { subresource: 'status' },
      );
      assert.deepEqual(v3.status, { phase: 'Ready' });
      assert.deepEqual(v3.spec, { size: 2 });
      assert.equal(v3.metadata.generation, 2);
      assert.ok(Number(v3.metadata.resourceVersion) > Number(v2.metadata.resourceVersion));
    });

    it('does not write when nothing changes', async () => {
      const store = await open();
      const v1 = await store.create(widget('a'));
      const same = await store.update({ ...v1 });
      assert.equal(same.metadata.resourceVersion, v1.metadata.resourceVersion);
    });
  });

  describe('finalizers', () => {
    it('holds a deletion until the finalizers are emptied', async () => {
      const store = await open();
      const v1 = await store.create(widget('a', { metadata: { name: 'a', finalizers: ['test.mortise.io/cleanup'] } }));
      const controller = new AbortController();
      const events = store
        .watch({ kind: WIDGET, resourceVersion: v1.metadata.resourceVersion!, signal: controller.signal })
        [Symbol.asyncIterator]();
      const marked = await store.delete(refTo(v1));
      assert.ok(marked.metadata.deletionTimestamp);
      const stillThere = await store.get(refTo(v1));
      assert.equal(stillThere.metadata.deletionTimestamp, marked.metadata.deletionTimestamp);
      const again = await store.delete(refTo(v1));
      assert.equal(again.metadata.resourceVersion, marked.metadata.resourceVersion);
      const released = await store.update({ ...stillThere, metadata: { ...stillThere.metadata, finalizers: [] } });
      assert.equal(released.metadata.name, 'a');
      await assert.rejects(store.get(refTo(v1)), NotFoundError);
      const [markedEvent, deletedEvent] = await take(events, 2);
      assert.equal(markedEvent.type, 'MODIFIED');
      assert.ok(markedEvent.object.metadata.deletionTimestamp);
      assert.equal(deletedEvent.type, 'DELETED');
      assert.equal(deletedEvent.object.metadata.resourceVersion, released.metadata.resourceVersion);
      controller.abort();
    });
  });
}
