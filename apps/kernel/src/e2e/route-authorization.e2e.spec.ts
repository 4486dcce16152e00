import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Authorizer, Caller, RequestInfo } from '@mortise/api';
import { startAccessControlKernel, type AccessControlKernel } from '../testing/access-control-fixture.js';

/** A concrete path for a route template: every parameter and wildcard filled in. */
function concretePath(url: string): string {
  return url.replace(/:[A-Za-z]+/g, 'probe').replace(/\*$/, 'probe/things');
}

describe('every route passes the authorizer', () => {
  let k: AccessControlKernel;
  const seen: string[] = [];

  before(async () => {
    k = await startAccessControlKernel();
    const real = k.kernel.pipeline.currentAuthorizer;
    assert.ok(real, 'access control installs an authorizer');
    const spy: Authorizer = {
      authorize: (caller: Caller, info: RequestInfo) => {
        seen.push(`${caller.user.username} ${info.path}`);
        return real.authorize(caller, info);
      },
      mayGet: (...args) => real.mayGet?.(...args) ?? false,
    };
    k.kernel.pipeline.useAuthorizer(spy);
  });
  after(() => k.close());

  it('denies anonymous callers on every non-public route, after asking the authorizer', async () => {
    const routes = k.routes().filter((r) => r.method !== 'OPTIONS');
    assert.ok(routes.length >= 20, `found ${routes.length} routes`);
    const checked: string[] = [];
    for (const route of routes) {
      const path = concretePath(route.url);
      const isPublic = k.kernel.pipeline.publicRoutes.isPublic(path);
      seen.length = 0;
      const res = await k.as(
        'anonymous',
        route.method,
        path,
        route.method === 'GET' || route.method === 'HEAD' ? {} : { body: {} },
      );
      if (isPublic) {
        assert.notEqual(res.status, 403, `${route.method} ${route.url} is public`);
        continue;
      }
      // The authorizer decides; a refused caller without a credential is told to log in.
      assert.equal(res.status, 401, `${route.method} ${route.url} → ${res.status}`);
      assert.deepEqual(
        seen,
        [`system:anonymous ${path}`],
        `${route.method} ${route.url} was decided by the authorizer`,
      );
      checked.push(`${route.method} ${route.url}`);
    }
    for (const expected of [
      'POST /kapis/:group/:version/*',
      'POST /kapis/tenant.mortise.io/v1/workspaces/:ws/members',
      'POST /kapis/iam.mortise.io/v1/accessreviews',
      'GET /kapis/iam.mortise.io/v1/auditevents',
    ]) {
      assert.ok(checked.includes(expected), `${expected} is among the checked routes`);
    }
  });

  it('asks once per request for a logged-in user too, and refuses one without grants', async () => {
    await k.as('nobody', 'GET', '/healthz'); // the fixture finds its credential before the requests counted
    for (const route of k.routes().filter((r) => r.method === 'DELETE')) {
      const path = concretePath(route.url);
      seen.length = 0;
      const res = await k.as('nobody', 'DELETE', path);
      assert.equal(res.status, 403, `${route.url}`);
      assert.deepEqual(seen, [`nobody ${path}`]);
    }
  });
});
