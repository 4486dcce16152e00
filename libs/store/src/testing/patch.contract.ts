import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadRequestError, ConflictError, InvalidError } from '@mortise/api';
import type { ContractContext } from './contract-context.js';
import { refTo, widget } from './store-fixtures.js';

export function patchContract({ open }: ContractContext): void {
  describe('patch', () => {
    it('applies a JSON merge patch, null removing a field', async () => {
      const store = await open();
      const v1 = await store.create(widget('a', { labels: { keep: 'y', drop: 'y' }, spec: { size: 1, color: 'red' } }));
      const v2 = await store.patch(refTo(v1), {
        type: 'merge',
        patch: { metadata: { labels: { drop: null } }, spec: { color: null, size: 3 } },
      });
      assert.deepEqual(v2.metadata.labels, { keep: 'y' });
      assert.deepEqual(v2.spec, { size: 3 });
      assert.equal(v2.metadata.generation, 2);
    });

    it('applies a JSON patch and refuses one whose test fails or path is missing', async () => {
      const store = await open();
      const v1 = await store.create(widget('a', { spec: { size: 1, tags: ['x'] } }));
      const v2 = await store.patch(refTo(v1), {
        type: 'json',
        patch: [
          { op: 'test', path: '/spec/size', value: 1 },
          { op: 'add', path: '/spec/tags/-', value: 'y' },
          { op: 'replace', path: '/spec/size', value: 2 },
        ],
      });
      assert.deepEqual(v2.spec, { size: 2, tags: ['x', 'y'] });
      await assert.rejects(
        store.patch(refTo(v1), { type: 'json', patch: [{ op: 'test', path: '/spec/size', value: 1 }] }),
        InvalidError,
      );
      await assert.rejects(
        store.patch(refTo(v1), { type: 'json', patch: [{ op: 'remove', path: '/spec/nothing/here' }] }),
        InvalidError,
      );
      await assert.rejects(
        store.patch(refTo(v1), { type: 'json', patch: [{ op: 'explode' as 'add', path: '/spec/size', value: 1 }] }),
        BadRequestError,
      );
      assert.deepEqual((await store.get(refTo(v1))).spec, { size: 2, tags: ['x', 'y'] });
    });

    it('patches status only through the subresource', async () => {
      const store = await open();
      const v1 = await store.create(widget('a'));
      const main = await store.patch(refTo(v1), { type: 'merge', patch: { status: { phase: 'X' } } });
      assert.equal(main.status, undefined);
      const status = await store.patch(
        refTo(v1),
        { type: 'merge', patch: { status: { phase: 'Ready' }, spec: { size: 5 } } },
        { subresource: 'status' },
      );
      assert.deepEqual(status.status, { phase: 'Ready' });
      assert.deepEqual(status.spec, { size: 1 });
    });

    it('retries concurrent patches so none is lost', async () => {
      const store = await open();
      const v1 = await store.create(widget('a'));
      await Promise.all(
        ['a', 'b', 'c', 'd'].map((key) =>
          store.patch(refTo(v1), { type: 'merge', patch: { metadata: { labels: { [key]: 'y' } } } }),
        ),
      );
      assert.deepEqual((await store.get(refTo(v1))).metadata.labels, { a: 'y', b: 'y', c: 'y', d: 'y' });
    });

    it('honours a resourceVersion named in the patch as a precondition', async () => {
      const store = await open();
      const v1 = await store.create(widget('a'));
      await store.update({ ...v1, spec: { size: 2 } });
      await assert.rejects(
        store.patch(refTo(v1), {
          type: 'merge',
          patch: { metadata: { resourceVersion: v1.metadata.resourceVersion }, spec: { size: 3 } },
        }),
        ConflictError,
      );
    });

    it('runs the validate hook and refuses identity changes', async () => {
      const store = await open();
      const v1 = await store.create(widget('a'));
      const seen: number[] = [];
      await assert.rejects(
        store.patch(
          refTo(v1),
          { type: 'merge', patch: { spec: { size: -1 } } },
          {
            validate: (patched) => {
              seen.push((patched.spec as { size: number }).size);
              throw new InvalidError('size must be positive');
            },
          },
        ),
        InvalidError,
      );
      assert.deepEqual(seen, [-1]);
      await assert.rejects(store.patch(refTo(v1), { type: 'merge', patch: { metadata: { name: 'b' } } }), InvalidError);
      await assert.rejects(
        store.patch(refTo(v1), { type: 'merge', patch: [] as unknown as Record<string, unknown> }),
        BadRequestError,
      );
    });
  });
}
