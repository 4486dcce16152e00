import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadRequestError } from '@mortise/api';
import type { ResourceStore } from '../resource-store.js';
import type { ContractContext } from './contract-context.js';
import { WIDGET, widget } from './store-fixtures.js';

async function names(store: ResourceStore, options: Parameters<ResourceStore['list']>[1]): Promise<string[]> {
  return (await store.list(WIDGET, options)).items
    .map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`)
    .sort();
}

export function listContract({ open }: ContractContext): void {
  describe('list selectors', () => {
    async function seeded(): Promise<ResourceStore> {
      const store = await open();
      await store.create(widget('a', { namespace: 'p1', labels: { tier: 'web', env: 'prod' } }));
      await store.create(widget('b', { namespace: 'p1', labels: { tier: 'db', env: 'dev' } }));
      await store.create(widget('c', { namespace: 'p2', labels: { tier: 'web' } }));
      await store.create(widget('d', { namespace: 'p2' }));
      return store;
    }

    it('filters by every label operator', async () => {
      const store = await seeded();
      const cases: [string, string[]][] = [
        ['tier=web', ['p1/a', 'p2/c']],
        ['tier==web', ['p1/a', 'p2/c']],
        ['tier!=web', ['p1/b', 'p2/d']],
        ['tier in (db, web)', ['p1/a', 'p1/b', 'p2/c']],
        ['tier notin (web)', ['p1/b', 'p2/d']],
        ['env', ['p1/a', 'p1/b']],
        ['!env', ['p2/c', 'p2/d']],
        ['tier=web,env=prod', ['p1/a']],
        ['tier in (web),!env', ['p2/c']],
        ['', ['p1/a', 'p1/b', 'p2/c', 'p2/d']],
      ];
      for (const [labelSelector, expected] of cases) {
        assert.deepEqual(await names(store, { labelSelector }), expected, labelSelector);
      }
    });

    it('filters by fields and scope', async () => {
      const store = await seeded();
      assert.deepEqual(await names(store, { fieldSelector: 'metadata.name=a' }), ['p1/a']);
      assert.deepEqual(await names(store, { fieldSelector: 'metadata.name==b' }), ['p1/b']);
      assert.deepEqual(await names(store, { fieldSelector: 'metadata.namespace!=p1' }), ['p2/c', 'p2/d']);
      assert.deepEqual(await names(store, { fieldSelector: 'metadata.namespace=p2,metadata.name!=c' }), ['p2/d']);
      assert.deepEqual(await names(store, { fieldSelector: 'metadata.workspace=' }), ['p1/a', 'p1/b', 'p2/c', 'p2/d']);
      assert.deepEqual(await names(store, { scope: 'p1', labelSelector: 'tier=db' }), ['p1/b']);
    });

    it('refuses malformed selectors with BadRequest', async () => {
      const store = await seeded();
      for (const labelSelector of ['tier in (web', 'tier in ()', '=web', 'tier=we b', 'tier>1', 'a,,b', 'bad key=x']) {
        await assert.rejects(store.list(WIDGET, { labelSelector }), BadRequestError, labelSelector);
      }
      for (const fieldSelector of ['spec.size=1', 'metadata.name', 'metadata.name~a']) {
        await assert.rejects(store.list(WIDGET, { fieldSelector }), BadRequestError, fieldSelector);
      }
    });
  });

  describe('list pagination', () => {
    it('pages with limit and continue and refuses a tampered token', async () => {
      const store = await open();
      for (const name of ['e', 'a', 'd', 'b', 'c']) await store.create(widget(name));
      const first = await store.list(WIDGET, { limit: 2 });
      assert.deepEqual(
        first.items.map((o) => o.metadata.name),
        ['a', 'b'],
      );
      const second = await store.list(WIDGET, { limit: 2, continue: first.metadata.continue! });
      assert.deepEqual(
        second.items.map((o) => o.metadata.name),
        ['c', 'd'],
      );
      const third = await store.list(WIDGET, { limit: 2, continue: second.metadata.continue! });
      assert.deepEqual(
        third.items.map((o) => o.metadata.name),
        ['e'],
      );
      assert.equal(third.metadata.continue, undefined);
      const token = first.metadata.continue!;
      const tampered = Buffer.from(Buffer.from(token, 'base64url').toString().replace('/b', '/a')).toString(
        'base64url',
      );
      await assert.rejects(store.list(WIDGET, { limit: 2, continue: tampered }), BadRequestError);
      await assert.rejects(store.list(WIDGET, { limit: 2, continue: 'garbage!' }), BadRequestError);
    });

    it('returns every object present throughout exactly once despite concurrent inserts and deletes', async () => {
      const store = await open();
      const stable = Array.from({ length: 30 }, (_, i) => `s${String(i).padStart(2, '0')}`);
      for (const name of stable) await store.create(widget(name));
      for (let i = 0; i < 30; i++) await store.create(widget(`c${String(i).padStart(2, '0')}`));
      const seen: string[] = [];
      let token: string | undefined;
      let round = 0;
      do {
        const page = await store.list(WIDGET, { limit: 4, ...(token ? { continue: token } : {}) });
        seen.push(...page.items.map((o) => o.metadata.name));
        token = page.metadata.continue;
        // Churn around the cursor: new names before and after it, deletions of others.
        await store.create(widget(`a${round}`));
        await store.create(widget(`t${round}`));
        await store.create(widget(`s${String(round).padStart(2, '0')}x`));
        await store.delete({ ...WIDGET, name: `c${String(round).padStart(2, '0')}` });
        round++;
      } while (token);
      const seenStable = seen.filter((n) => stable.includes(n));
      assert.deepEqual(seenStable, stable);
      assert.equal(new Set(seen).size, seen.length, 'no object listed twice');
    });
  });
}
