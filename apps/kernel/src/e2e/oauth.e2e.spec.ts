import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { passwordLogin, startTestKernel, type TestKernel } from '../testing/kernel-fixture.js';
import { createUser } from '../testing/identity.js';

function form(fields: Record<string, string>): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  };
}

describe('/oauth endpoints', () => {
  let k: TestKernel;

  before(async () => {
    k = await startTestKernel({
      identity: {
        config: {
          rateLimit: { perIp: { max: 1000, windowSeconds: 60 }, perUsername: { max: 8, windowSeconds: 60 } },
          clients: [
            {
              id: 'ci-robot',
              secretHash: `sha256:${createHash('sha256').update('robot secret').digest('hex')}`,
              grantTypes: ['client_credentials'],
              actAs: 'robot',
            },
          ],
        },
      },
    });
    await createUser(k, 'alice');
    await createUser(k, 'robot');
  });
  after(() => k.close());

  it('issues a client_credentials token to a confidential client authenticated with HTTP Basic', async () => {
    const basic = (secret: string) => `Basic ${Buffer.from(`ci-robot:${secret}`).toString('base64')}`;
    const grant = (secret: string) =>
      fetch(`${k.url}/oauth/token`, {
        ...form({ grant_type: 'client_credentials' }),
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(secret) },
      });
    const ok = await grant('robot secret');
    assert.equal(ok.status, 200);
    const { access_token, refresh_token } = (await ok.json()) as { access_token: string; refresh_token?: string };
    assert.equal(refresh_token, undefined);
    const me = await k.call('GET', '/oauth/userinfo', { headers: { authorization: `Bearer ${access_token}` } });
    assert.equal(me.body.sub, 'robot');
    const wrong = await grant('wrong secret');
    assert.equal(wrong.status, 401);
    assert.equal(((await wrong.json()) as { error: string }).error, 'invalid_client');
    assert.match(wrong.headers.get('www-authenticate') ?? '', /^Basic/);
  });

  it('rotates the signing key on an admin request; tokens signed before keep working', async () => {
    const before = await passwordLogin(k.url, 'alice', 'correct horse');
    const refused = await k.call('POST', '/oauth/keys/rotate', { headers: { authorization: `Bearer ${before}` } });
    assert.equal(refused.status, 403);
    const rotated = await k.call('POST', '/oauth/keys/rotate');
    assert.equal(rotated.status, 200);
    const jwks = (await k.call('GET', '/oauth/keys', { anonymous: true })).body as { keys: Array<{ kid: string }> };
    assert.equal(jwks.keys[0].kid, rotated.body.kid);
    assert.ok(jwks.keys.length >= 2);
    assert.equal(
      (await k.call('GET', '/oauth/userinfo', { headers: { authorization: `Bearer ${before}` } })).status,
      200,
    );
    const after = await passwordLogin(k.url, 'alice', 'correct horse');
    const kid = (JSON.parse(Buffer.from(after.split('.')[0], 'base64url').toString()) as { kid: string }).kid;
    assert.equal(kid, rotated.body.kid);
  });

  it('issues tokens for a form-encoded password grant, with no-store', async () => {
    const res = await fetch(
      `${k.url}/oauth/token`,
      form({ grant_type: 'password', client_id: 'console', username: 'alice', password: 'correct horse' }),
    );
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const body = (await res.json()) as { access_token: string; refresh_token: string };
    const me = await fetch(`${k.url}/oauth/userinfo`, { headers: { authorization: `Bearer ${body.access_token}` } });
    assert.equal(me.status, 200);
    assert.equal(((await me.json()) as { sub: string }).sub, 'alice');
  });

  it('answers errors in the RFC 6749 shape', async () => {
    const cases: Array<[Record<string, string>, number, string]> = [
      [
        { grant_type: 'password', client_id: 'console', username: 'alice', password: 'wrong password' },
        400,
        'invalid_grant',
      ],
      [{ grant_type: 'password', client_id: 'nope', username: 'alice', password: 'x' }, 401, 'invalid_client'],
      [{ grant_type: 'password', client_id: 'console' }, 400, 'invalid_request'],
      [{ grant_type: 'implicit', client_id: 'console' }, 400, 'unsupported_grant_type'],
      [{ client_id: 'console' }, 400, 'invalid_request'],
    ];
    for (const [fields, status, error] of cases) {
      const res = await fetch(`${k.url}/oauth/token`, form(fields));
      assert.equal(res.status, status, JSON.stringify(fields));
      assert.equal(((await res.json()) as { error: string }).error, error);
    }
  });

  it('rate-limits logins per username with 429 and Retry-After', async () => {
    let last: Response | undefined;
    for (let i = 0; i < 10; i++) {
      last = await fetch(`${k.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          grant_type: 'password',
          client_id: 'console',
          username: 'flood',
          password: 'whatever1',
        }),
      });
    }
    assert.equal(last!.status, 429);
    assert.ok(Number(last!.headers.get('retry-after')) > 0);
  });

  it('logs the console in to a session cookie whose unsafe requests need the CSRF header', async () => {
    const res = await fetch(
      `${k.url}/oauth/token`,
      form({
        grant_type: 'password',
        client_id: 'console',
        username: 'alice',
        password: 'correct horse',
        session_cookie: 'true',
      }),
    );
    const { csrf_token } = (await res.json()) as { csrf_token: string };
    const cookies = res.headers.getSetCookie();
    assert.match(cookies[0], /^mortise_session=.+; Max-Age=7200; Path=\/; HttpOnly; SameSite=Strict$/);
    const cookie = cookies.map((c) => c.split(';')[0]).join('; ');
    assert.equal((await fetch(`${k.url}/oauth/userinfo`, { headers: { cookie } })).status, 200);
    assert.equal((await fetch(`${k.url}/oauth/userinfo`, { method: 'POST', headers: { cookie } })).status, 401);
    const withCsrf = await fetch(`${k.url}/oauth/userinfo`, {
      method: 'POST',
      headers: { cookie, 'x-mortise-csrf': csrf_token },
    });
    assert.equal(withCsrf.status, 200);
    const out = await fetch(`${k.url}/oauth/logout`, {
      method: 'POST',
      headers: { cookie, 'x-mortise-csrf': csrf_token },
    });
    assert.equal(out.status, 204);
    assert.match(out.headers.getSetCookie()[0], /Max-Age=0/);
    assert.equal((await fetch(`${k.url}/oauth/userinfo`, { headers: { cookie } })).status, 401);
  });

  it('publishes discovery and the JWKS without a login', async () => {
    const discovery = (await (await fetch(`${k.url}/.well-known/openid-configuration`)).json()) as {
      issuer: string;
      jwks_uri: string;
    };
    assert.equal(discovery.issuer, k.url);
    const jwks = (await (await fetch(discovery.jwks_uri)).json()) as { keys: Array<{ kid: string; d?: string }> };
    assert.ok(jwks.keys.length >= 1);
    assert.equal(jwks.keys[0].d, undefined);
  });
});
