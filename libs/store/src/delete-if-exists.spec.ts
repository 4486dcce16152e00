import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConflictError, InvalidError, NotFoundError } from '@mortise/api';
import { deleteIfExists } from './delete-if-exists.js';
import { MemoryStore } from './memory.store.js';
import type { ResourceStore } from './resource-store.js';
import { WIDGET, widget } from './testing/store-fixtures.js';

describe(deleteIfExists.name, () => {
  it('deletes the object and says so', async () => {
    const store = new MemoryStore();
    await store.create(widget('a'));
    assert.equal(await deleteIfExists(store, { ...WIDGET, name: 'a' }), true);
    await assert.rejects(store.get({ ...WIDGET, name: 'a' }), NotFoundError);
  });

  it('answers false when the object does not exist', async () => {
    const store = new MemoryStore();
    assert.equal(await deleteIfExists(store, { ...WIDGET, name: 'b' }), false);
  });

  it('passes the precondition through and rethrows its conflict', async () => {
    const store = new MemoryStore();
    const created = await store.create(widget('c'));
    const ref = { ...WIDGET, name: 'c' };
    await assert.rejects(deleteIfExists(store, ref, { resourceVersion: '0' }), ConflictError);
    assert.equal(await deleteIfExists(store, ref, { resourceVersion: created.metadata.resourceVersion }), true);
  });

  it('rethrows any other failure', async () => {
    const failing = {
      delete: () => Promise.reject(new InvalidError('bad name')),
    } as unknown as ResourceStore;
    await assert.rejects(deleteIfExists(failing, { ...WIDGET, name: 'x' }), InvalidError);
  });
});
