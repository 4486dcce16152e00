import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidError } from '@mortise/api';
import { getIfExists } from './get-if-exists.js';
import { MemoryStore } from './memory.store.js';
import type { ResourceStore } from './resource-store.js';
import { WIDGET, widget } from './testing/store-fixtures.js';

describe(getIfExists.name, () => {
  it('returns the object, undefined when it does not exist, and rethrows any other failure', async () => {
    const store = new MemoryStore();
    await store.create(widget('a'));
    assert.equal((await getIfExists(store, { ...WIDGET, name: 'a' }))?.metadata.name, 'a');
    assert.equal(await getIfExists(store, { ...WIDGET, name: 'b' }), undefined);
    const failing = {
      get: () => Promise.reject(new InvalidError('bad name')),
    } as unknown as ResourceStore;
    await assert.rejects(getIfExists(failing, { ...WIDGET, name: 'x' }), InvalidError);
  });
});
