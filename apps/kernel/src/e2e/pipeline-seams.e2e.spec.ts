import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { UnauthorizedError, type Authenticator, type Authorizer, type Caller } from '@mortise/api';
import { REQUEST_PIPELINE, type RequestPipeline } from '@mortise/apiserver';
import { startTestKernel, type TestKernel } from '../testing/kernel-fixture.js';

const ada: Caller = { user: { username: 'ada', uid: 'u-ada', groups: ['system:authenticated'] }, credential: 'token' };

const bearer: Authenticator = {
  async authenticate(request) {
    const header = request.headers.authorization;
    if (header === 'Bearer ada') return ada;
    if (typeof header === 'string' && header.startsWith('Bearer '))
      throw new UnauthorizedError('the token is not valid; log in again');
    return undefined;
  },
};

/** Anonymous callers get nothing; ada may read but not write. */
const readOnlyAda: Authorizer = {
  authorize: (caller, info) => {
    if (caller.user.username !== 'ada') return { allowed: false, reason: 'log in first' };
    return ['get', 'list', 'watch'].includes(info.verb)
      ? { allowed: true, reason: 'read-only' }
      : { allowed: false, reason: 'ada is read-only' };
  },
};

/** How an authorization feature plugs in as a Nest module: inject the pipeline, set the authorizer before traffic. */
@Module({})
class ReadOnlyAuthorizationModule implements OnModuleInit {
  constructor(@Inject(REQUEST_PIPELINE) private readonly pipeline: RequestPipeline) {}
  onModuleInit(): void {
    this.pipeline.useAuthorizer(readOnlyAda);
  }
}

describe('pipeline seams in a running kernel', () => {
  let k: TestKernel;
  before(async () => {
    k = await startTestKernel({ authenticators: [bearer], modules: [ReadOnlyAuthorizationModule] });
  });
  after(() => k.close());

  it('uses the authorizer a feature module installed', () => {
    assert.equal(k.kernel.pipeline.isAuthorized, true);
  });

  it('refuses anonymous callers on every non-public route and admits them on public ones', async () => {
    const seen = new Set<string>();
    for (const route of k.routes()) {
      if (route.method !== 'GET' || seen.has(route.url)) continue;
      seen.add(route.url);
      const path = route.url
        .replace(':group', 'tenant.mortise.io')
        .replace(':version', 'v1')
        .replace('*', 'workspaces');
      const res = await k.call('GET', path, { anonymous: true });
      // Identity refuses a caller without a credential before the authorizer is asked.
      const expected = k.kernel.pipeline.publicRoutes.isPublic(path) ? 200 : 401;
      assert.equal(res.status, expected, `${route.url} → ${res.status}`);
    }
    assert.ok(seen.has('/kapis/:group/:version/*'));
  });

  it('answers a bad token with 401 and WWW-Authenticate, except on public routes', async () => {
    const res = await k.call('GET', '/kapis', { headers: { authorization: 'Bearer forged' } });
    assert.equal(res.status, 401);
    assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/);
    assert.equal(res.body.reason, 'Unauthorized');
    assert.equal((await k.call('GET', '/healthz', { headers: { authorization: 'Bearer forged' } })).status, 200);
  });

  it('lets the authenticated caller read and refuses a write with 403 before touching the store', async () => {
    const auth = { authorization: 'Bearer ada' };
    assert.equal((await k.call('GET', '/kapis/tenant.mortise.io/v1/workspaces', { headers: auth })).status, 200);
    const write = await k.call('POST', '/kapis/tenant.mortise.io/v1/workspaces', {
      headers: auth,
      body: { metadata: { name: 'nope' }, spec: {} },
    });
    assert.equal(write.status, 403);
    assert.match(write.body.message, /user "ada" cannot create workspaces .*: ada is read-only/);
    const list = await k.call('GET', '/kapis/tenant.mortise.io/v1/workspaces', { headers: auth });
    assert.equal(list.body.items.length, 0);
  });
});
