import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RequestInfoCache } from './request-info-cache.js';
import { resolveRequestInfo } from './request-info.js';

const URL_A = '/kapis/ping.mortise.io/v1/namespaces/p1/pings/a';

describe(RequestInfoCache.name, () => {
  it('resolves as resolveRequestInfo does, and gives the same object for the same method and URL', () => {
    const cache = new RequestInfoCache();
    const first = cache.resolve('GET', URL_A);
    assert.deepEqual(first, resolveRequestInfo('GET', URL_A));
    assert.equal(cache.resolve('GET', URL_A), first);
    assert.equal(cache.resolve('GET', `${URL_A}?watch=true`).verb, 'watch');
  });

  it('keeps methods apart', () => {
    const cache = new RequestInfoCache();
    assert.equal(cache.resolve('GET', URL_A).verb, 'get');
    assert.equal(cache.resolve('DELETE', URL_A).verb, 'delete');
    assert.equal(cache.resolve('GET', URL_A).verb, 'get');
  });

  it('stays within its bound, dropping the oldest URL first', () => {
    const cache = new RequestInfoCache(2);
    const a = cache.resolve('GET', '/a');
    cache.resolve('GET', '/b');
    cache.resolve('GET', '/c');
    assert.equal(cache.size, 2);
    assert.notEqual(cache.resolve('GET', '/a'), a, '/a was dropped and resolved again');
    assert.deepEqual(cache.resolve('GET', '/a'), a);
  });

  it('does not keep long URLs or unusual methods', () => {
    const cache = new RequestInfoCache();
    const long = `/kapis/x.mortise.io/v1/things/${'n'.repeat(600)}`;
    assert.equal(cache.resolve('GET', long).name, 'n'.repeat(600));
    cache.resolve('PROPFIND', '/x');
    assert.equal(cache.size, 0);
  });
});
