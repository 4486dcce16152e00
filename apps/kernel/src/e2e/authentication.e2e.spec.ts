import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { startTestKernel, type TestKernel } from '../testing/kernel-fixture.js';

/** The paths the issue lists as public; everything else needs a credential. */
const PUBLIC_PATHS = [
  '/.well-known/openid-configuration',
  '/healthz',
  '/metrics',
  '/oauth/keys',
  '/oauth/logout',
  '/oauth/revoke',
  '/oauth/token',
  '/openapi.json',
  '/readyz',
];

/** A concrete path for a route template. */
function pathOf(url: string): string {
  return url
    .replace(':group', 'iam.mortise.io')
    .replace(':version', 'v1')
    .replace('*', 'users/admin')
    .replace(/:[A-Za-z]+/g, 'admin');
}

function b64(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('authentication over every route', () => {
  let k: TestKernel;
  before(async () => {
    // The console's own public paths (its files and pages) are checked by the console's tests.
    k = await startTestKernel({ consoleDir: false });
  });
  after(() => k.close());

  it('declares exactly the public paths identity and operations need', () => {
    assert.deepEqual(k.kernel.pipeline.publicRoutes.list(), { exact: PUBLIC_PATHS, prefixes: ['/dist/'] });
  });

  it('refuses an anonymous caller on every non-public route with 401 and WWW-Authenticate', async () => {
    let checked = 0;
    for (const route of k.routes()) {
      const path = pathOf(route.url);
      if (k.kernel.pipeline.publicRoutes.isPublic(path)) continue;
      const res = await k.call(route.method, path, {
        anonymous: true,
        ...(['POST', 'PUT', 'PATCH'].includes(route.method) ? { body: {} } : {}),
      });
      assert.equal(res.status, 401, `${route.method} ${route.url} → ${res.status}`);
      assert.match(
        res.headers.get('www-authenticate') ?? '',
        /^Bearer realm="mortise"/,
        `${route.method} ${route.url}`,
      );
      checked++;
    }
    assert.ok(checked >= 10, `only ${checked} routes checked`);
  });

  it('moves /metrics behind authentication when configured', async () => {
    const private_ = await startTestKernel({ config: { metricsPublic: false } });
    try {
      assert.equal((await private_.call('GET', '/metrics', { anonymous: true })).status, 401);
      assert.equal((await private_.call('GET', '/metrics')).status, 200);
    } finally {
      await private_.close();
    }
  });

  it('serves the public routes to an anonymous caller', async () => {
    for (const path of ['/.well-known/openid-configuration', '/oauth/keys', '/healthz', '/openapi.json']) {
      assert.equal((await k.call('GET', path, { anonymous: true })).status, 200, path);
    }
  });

  it('accepts the admin token and rejects forged ones with 401', async () => {
    const path = '/kapis/iam.mortise.io/v1/users';
    assert.equal((await k.call('GET', path)).status, 200);
    const [header, payload, signature] = k.adminToken.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const { kid } = JSON.parse(Buffer.from(header, 'base64url').toString()) as { kid: string };
    const jwks = (await k.call('GET', '/oauth/keys')).body as { keys: Array<{ kid: string }> };
    const publicJwk = jwks.keys.find((key) => key.kid === kid)!;
    const hsInput = `${b64({ alg: 'HS256', typ: 'JWT', kid })}.${payload}`;
    const forged: Record<string, string> = {
      'alg none': `${b64({ alg: 'none', typ: 'JWT', kid })}.${payload}.`,
      'HS256 with the public key': `${hsInput}.${createHmac('sha256', JSON.stringify(publicJwk)).update(hsInput).digest('base64url')}`,
      'tampered payload': `${header}.${b64({ ...claims, sub: 'someone-else' })}.${signature}`,
      'unknown kid': `${b64({ alg: 'ES256', typ: 'JWT', kid: 'nope' })}.${payload}.${signature}`,
      garbage: 'not-a-token',
    };
    for (const [name, token] of Object.entries(forged)) {
      const res = await k.call('GET', path, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(res.status, 401, name);
      assert.equal(res.body.reason, 'Unauthorized', name);
    }
  });
});
