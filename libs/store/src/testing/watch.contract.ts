import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadRequestError, ExpiredError } from '@mortise/api';
import type { ContractContext } from './contract-context.js';
import { GADGET, WIDGET, quiet, refTo, summary, take, widget } from './store-fixtures.js';

export function watchContract({ open }: ContractContext): void {
  describe('watch', () => {
    it('streams ADDED, MODIFIED and DELETED in commit order', async () => {
      const store = await open();
      const controller = new AbortController();
      const before = await store.list(WIDGET);
      const events = store
        .watch({ kind: WIDGET, resourceVersion: before.metadata.resourceVersion, signal: controller.signal })
        [Symbol.asyncIterator]();
      const a = await store.create(widget('a'));
      await store.create({ ...widget('g'), kind: 'Gadget' });
      const a2 = await store.update({ ...a, spec: { size: 2 } });
      await store.delete(refTo(a));
      const got = await take(events, 3);
      assert.deepEqual(summary(got), ['ADDED a', 'MODIFIED a', 'DELETED a']);
      assert.equal(got[1].object.metadata.resourceVersion, a2.metadata.resourceVersion);
      assert.ok(Number(got[2].object.metadata.resourceVersion) > Number(a2.metadata.resourceVersion));
      controller.abort();
    });

    it('starts with ADDED for current objects when no version is given', async () => {
      const store = await open();
      await store.create(widget('a'));
      await store.create(widget('b'));
      const controller = new AbortController();
      for (const resourceVersion of [undefined, '0']) {
        const events = store
          .watch({ kind: WIDGET, resourceVersion, signal: controller.signal })
          [Symbol.asyncIterator]();
        const initial = await take(events, 2);
        assert.deepEqual(summary(initial).sort(), ['ADDED a', 'ADDED b']);
      }
      const events = store.watch({ kind: WIDGET, signal: controller.signal })[Symbol.asyncIterator]();
      await take(events, 2);
      await store.create(widget('c'));
      assert.deepEqual(summary(await take(events, 1)), ['ADDED c']);
      controller.abort();
    });

    it('resumes from a version without gaps or duplicates', async () => {
      const store = await open();
      const a = await store.create(widget('a'));
      const b = await store.create(widget('b'));
      await store.update({ ...a, spec: { size: 2 } });
      await store.create(widget('c'));
      const controller = new AbortController();
      const events = store
        .watch({ kind: WIDGET, resourceVersion: b.metadata.resourceVersion!, signal: controller.signal })
        [Symbol.asyncIterator]();
      await store.delete(refTo(b));
      assert.deepEqual(summary(await take(events, 3)), ['MODIFIED a', 'ADDED c', 'DELETED b']);
      assert.equal(await quiet(events), undefined);
      controller.abort();
    });

    it('fails with Expired (410) for a version older than the history kept', async () => {
      const store = await open({ historyEvents: 5 });
      const first = await store.create(widget('first'));
      for (let i = 0; i < 30; i++) await store.create(widget(`w${i}`));
      const iterator = store
        .watch({ kind: WIDGET, resourceVersion: first.metadata.resourceVersion! })
        [Symbol.asyncIterator]();
      await assert.rejects(iterator.next(), ExpiredError);
      const bad = store.watch({ kind: WIDGET, resourceVersion: 'abc' })[Symbol.asyncIterator]();
      await assert.rejects(bad.next(), BadRequestError);
    });

    it('sends bookmarks carrying the latest version', async () => {
      const store = await open();
      const a = await store.create(widget('a'));
      await store.create({ ...widget('g'), kind: 'Gadget' });
      const controller = new AbortController();
      const events = store
        .watch({
          kind: WIDGET,
          resourceVersion: a.metadata.resourceVersion!,
          bookmarkIntervalMs: 20,
          signal: controller.signal,
        })
        [Symbol.asyncIterator]();
      const [bookmark] = await take(events, 1);
      assert.equal(bookmark.type, 'BOOKMARK');
      assert.ok(Number(bookmark.object.metadata.resourceVersion) > Number(a.metadata.resourceVersion));
      controller.abort();
    });

    it('filters by kind, scope, labels and fields, and turns leaving or entering the selection into DELETED or ADDED', async () => {
      const store = await open();
      const start = (await store.list(WIDGET)).metadata.resourceVersion;
      const controller = new AbortController();
      const events = store
        .watch({
          kind: WIDGET,
          scope: 'p1',
          labelSelector: 'tier=web',
          fieldSelector: 'metadata.name!=skip',
          resourceVersion: start,
          signal: controller.signal,
        })
        [Symbol.asyncIterator]();
      await store.create({ ...widget('g', { namespace: 'p1', labels: { tier: 'web' } }), kind: GADGET.kind });
      await store.create(widget('other-scope', { namespace: 'p2', labels: { tier: 'web' } }));
      await store.create(widget('skip', { namespace: 'p1', labels: { tier: 'web' } }));
      const a = await store.create(widget('a', { namespace: 'p1', labels: { tier: 'db' } }));
      const a2 = await store.update({ ...a, metadata: { ...a.metadata, labels: { tier: 'web' } } });
      const a3 = await store.update({ ...a2, spec: { size: 5 } });
      await store.update({ ...a3, metadata: { ...a3.metadata, labels: { tier: 'db' } } });
      const got = await take(events, 3);
      assert.deepEqual(summary(got), ['ADDED a', 'MODIFIED a', 'DELETED a']);
      assert.deepEqual(got[2].object.metadata.labels, { tier: 'web' }, 'DELETED carries the last state that matched');
      assert.equal(await quiet(events), undefined);
      controller.abort();
    });

    it('ends the iterator when the signal aborts', async () => {
      const store = await open();
      const controller = new AbortController();
      const iterator = store
        .watch({
          kind: WIDGET,
          resourceVersion: (await store.list(WIDGET)).metadata.resourceVersion,
          signal: controller.signal,
        })
        [Symbol.asyncIterator]();
      const pending = iterator.next();
      controller.abort();
      assert.deepEqual(await pending, { done: true, value: undefined });
    });

    it('ends open watches when the store closes', async () => {
      const store = await open();
      const iterator = store.watch({ kind: WIDGET })[Symbol.asyncIterator]();
      const pending = iterator.next();
      await store.close();
      assert.equal((await pending).done, true);
    });

    it('watches every kind when no kind is given', async () => {
      const store = await open();
      const start = (await store.list(WIDGET)).metadata.resourceVersion;
      const controller = new AbortController();
      const events = store.watch({ resourceVersion: start, signal: controller.signal })[Symbol.asyncIterator]();
      await store.create(widget('w'));
      await store.create({ ...widget('g'), kind: 'Gadget' });
      assert.deepEqual(
        (await take(events, 2)).map((e) => e.object.kind),
        ['Widget', 'Gadget'],
      );
      controller.abort();
    });
  });
}
