import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VerifiedTokenCache } from './verified-token-cache.js';

describe(VerifiedTokenCache.name, () => {
  it('answers only for the whole credential, not for another with the same signature part', () => {
    const cache = new VerifiedTokenCache<{ expiresAt: number; user: string }>(10);
    cache.set('header.alice.sig', { expiresAt: 100, user: 'alice' });
    assert.equal(cache.get('header.alice.sig', 0)?.user, 'alice');
    assert.equal(cache.get('header.mallory.sig', 0), undefined);
    cache.delete('header.mallory.sig');
    assert.equal(cache.get('header.alice.sig', 0)?.user, 'alice');
    cache.set('header.mallory.sig', { expiresAt: 100, user: 'mallory' });
    assert.equal(cache.get('header.alice.sig', 0), undefined);
    assert.equal(cache.get('header.mallory.sig', 0)?.user, 'mallory');
  });

  it('drops an entry at its expiry and on delete, and keys credentials without a dot whole', () => {
    const cache = new VerifiedTokenCache<{ expiresAt: number }>(10);
    cache.set('a.b.c', { expiresAt: 50 });
    assert.ok(cache.get('a.b.c', 49));
    assert.equal(cache.get('a.b.c', 50), undefined);
    assert.equal(cache.size, 0);
    cache.set('mrt_id_secret', { expiresAt: 50 });
    assert.ok(cache.get('mrt_id_secret', 0));
    assert.equal(cache.get('mrt_id_other', 0), undefined);
    cache.delete('mrt_id_secret');
    assert.equal(cache.get('mrt_id_secret', 0), undefined);
  });

  it('keeps at most maxEntries, dropping the oldest', () => {
    const cache = new VerifiedTokenCache<{ expiresAt: number }>(2);
    for (const t of ['h.p.1', 'h.p.2', 'h.p.3']) cache.set(t, { expiresAt: 100 });
    assert.equal(cache.size, 2);
    assert.equal(cache.get('h.p.1', 0), undefined);
    assert.ok(cache.get('h.p.3', 0));
  });
});
