import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConflictError, InvalidError } from '@mortise/api';
import { ReverseProxyRouter } from './reverse-proxy-router.js';
import { hasDotSegment, parseRouteMatcher } from './route-matcher.js';

const m = (path: string, method?: string) => parseRouteMatcher({ path, ...(method ? { method } : {}) });

describe(ReverseProxyRouter.name, () => {
  describe('overlap', () => {
    const cases: Array<[string, string | undefined, string, string | undefined, boolean]> = [
      ['/proxy/a/*', undefined, '/proxy/a/b/*', undefined, true],
      ['/proxy/a/*', undefined, '/proxy/a/b', undefined, true],
      ['/proxy/a/*', undefined, '/proxy/a', undefined, true],
      ['/proxy/a/*', 'GET', '/proxy/a/x', 'POST', false],
      ['/proxy/a/*', '*', '/proxy/a/x', 'POST', true],
      ['/proxy/a/*', undefined, '/proxy/ab/*', undefined, false],
      ['/proxy/a', 'GET', '/proxy/a', 'GET', true],
      ['/proxy/a', 'GET', '/proxy/b', 'GET', false],
    ];
    for (const [p1, m1, p2, m2, overlaps] of cases) {
      it(`${m1 ?? '*'} ${p1} vs ${m2 ?? '*'} ${p2}: ${overlaps ? 'refused' : 'accepted'}`, () => {
        const router = new ReverseProxyRouter<string>();
        router.set('first', m(p1, m1), 'first');
        if (overlaps) {
          assert.throws(() => router.set('second', m(p2, m2), 'second'), ConflictError);
          assert.equal(router.size, 1);
        } else {
          router.set('second', m(p2, m2), 'second');
          assert.equal(router.size, 2);
        }
      });
    }

    it('lets an owner replace its own route with an overlapping one', () => {
      const router = new ReverseProxyRouter<string>();
      router.set('a', m('/proxy/a/*'), 'v1');
      router.set('a', m('/proxy/a/b/*'), 'v2');
      assert.equal(router.match('GET', '/proxy/a/b/c')?.value, 'v2');
      assert.equal(router.match('GET', '/proxy/a/x'), undefined);
    });
  });

  describe('match', () => {
    const router = new ReverseProxyRouter<string>();
    router.set('ui', m('/proxy/ui/*'), 'ui');
    router.set('hook', m('/proxy/hook', 'POST'), 'hook');
    it('matches prefixes, the prefix itself and exact paths by method', () => {
      assert.equal(router.match('GET', '/proxy/ui/index.html')?.value, 'ui');
      assert.equal(router.match('GET', '/proxy/ui')?.value, 'ui');
      assert.equal(router.match('POST', '/proxy/hook')?.value, 'hook');
      assert.equal(router.match('GET', '/proxy/hook'), undefined);
      assert.equal(router.match('GET', '/proxy/uix'), undefined);
    });
    it('forgets deleted routes', () => {
      router.delete('ui');
      assert.equal(router.match('GET', '/proxy/ui/index.html'), undefined);
    });
  });

  describe('matcher parsing', () => {
    it('refuses paths outside /proxy/, inner wildcards and dot segments', () => {
      for (const bad of ['/api/*', '/proxy/', '/proxy/a*/b', '/proxy/a/../b', '/proxy/%2e%2e/x']) {
        assert.throws(() => m(bad), InvalidError, bad);
      }
    });
    it('detects encoded traversal', () => {
      for (const path of ['/a/../b', '/a/%2e%2e/b', '/a/..%2fb', '/a/..%5cb', '/a/%2E/b', '/a/%zz']) {
        assert.equal(hasDotSegment(path), true, path);
      }
      assert.equal(hasDotSegment('/a/b..c/d.js'), false);
    });
  });
});
