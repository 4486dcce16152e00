import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NotFoundError } from '@mortise/api';
import { MemoryStore } from './memory.store.js';
import { WIDGET, widget } from './testing/store-fixtures.js';

describe('TableStore observer', () => {
  it('reports every operation with its kind and duration, failures included', async () => {
    const seen: [string, string, number][] = [];
    const store = new MemoryStore({ observer: (op, kind, seconds) => seen.push([op, kind, seconds]) });
    const a = await store.create(widget('a'));
    await store.get({ ...WIDGET, name: 'a' });
    await store.list(WIDGET);
    await store.update({ ...a, status: { ok: true } }, { subresource: 'status' });
    await store.patch({ ...WIDGET, name: 'a' }, { type: 'merge', patch: { spec: { size: 2 } } });
    await store.delete({ ...WIDGET, name: 'a' });
    await assert.rejects(store.get({ ...WIDGET, name: 'a' }), NotFoundError);
    assert.deepEqual(
      seen.map(([op]) => op),
      ['create', 'get', 'list', 'update-status', 'get', 'update', 'patch', 'delete', 'get'],
    );
    assert.ok(seen.every(([, kind, seconds]) => kind === 'Widget.test.mortise.io' && seconds >= 0));
  });
});
