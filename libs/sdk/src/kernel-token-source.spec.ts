import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UnauthorizedError } from '@mortise/api';
import { createKernelTokenSource } from './kernel-token-source.js';

const TOKEN_URL = 'https://mortise.test/oauth/token';

/** A token endpoint that hands out `t1`, `t2`, … and records the requests. */
function tokenEndpoint(answer?: { status: number; body: unknown }) {
  const requests: { url: string; init: RequestInit }[] = [];
  const stub = (async (url: string | URL, init?: RequestInit) => {
    requests.push({ url: String(url), init: init ?? {} });
    const body = answer?.body ?? { access_token: `t${requests.length}`, token_type: 'Bearer', expires_in: 3600 };
    return new Response(JSON.stringify(body), { status: answer?.status ?? 200 });
  }) as typeof fetch;
  return { stub, requests };
}

describe(createKernelTokenSource.name, () => {
  it('asks with HTTP Basic client credentials once, and reuses the token until shortly before it expires', async () => {
    let clock = 0;
    const endpoint = tokenEndpoint();
    const source = createKernelTokenSource({
      tokenUrl: TOKEN_URL,
      clientId: 'ext-notes',
      clientSecret: 's3cret',
      fetch: endpoint.stub,
      now: () => clock,
    });
    assert.deepEqual(await Promise.all([source.token(), source.token()]), ['t1', 't1']);
    const first = endpoint.requests[0];
    assert.equal(first.url, TOKEN_URL);
    assert.equal(first.init.body, 'grant_type=client_credentials');
    const headers = first.init.headers as Record<string, string>;
    assert.equal(headers['authorization'], `Basic ${Buffer.from('ext-notes:s3cret').toString('base64')}`);
    clock = 3539_000;
    assert.equal(await source.token(), 't1');
    clock = 3541_000;
    assert.equal(await source.token(), 't2', 'renewed a minute before expiry');
    source.invalidate();
    assert.equal(await source.token(), 't3', 'asks again after invalidate');
  });

  it('turns a refusal into UnauthorizedError naming the OAuth error, never the secret', async () => {
    const endpoint = tokenEndpoint({
      status: 401,
      body: { error: 'invalid_client', error_description: 'client authentication failed' },
    });
    const source = createKernelTokenSource({
      tokenUrl: TOKEN_URL,
      clientId: 'ext-notes',
      clientSecret: 'old-secret',
      fetch: endpoint.stub,
    });
    await assert.rejects(source.token(), (err: unknown) => {
      assert.ok(err instanceof UnauthorizedError);
      assert.match(err.message, /invalid_client/);
      assert.doesNotMatch(err.message, /old-secret/);
      return true;
    });
  });

  it('asks a secret function at every token request, so a rotated secret is used after invalidate', async () => {
    const endpoint = tokenEndpoint();
    let secret = 'first';
    const source = createKernelTokenSource({
      tokenUrl: TOKEN_URL,
      clientId: 'ext-notes',
      clientSecret: () => Promise.resolve(secret),
      fetch: endpoint.stub,
    });
    const basicOf = (s: string) => `Basic ${Buffer.from(`ext-notes:${s}`).toString('base64')}`;
    const sentWith = (i: number) => (endpoint.requests[i]?.init.headers as Record<string, string>)['authorization'];
    assert.equal(await source.token(), 't1');
    secret = 'rotated';
    assert.equal(await source.token(), 't1', 'a cached token needs no secret');
    source.invalidate();
    assert.equal(await source.token(), 't2');
    assert.deepEqual([sentWith(0), sentWith(1)], [basicOf('first'), basicOf('rotated')]);
  });

  it('fails the token request when the secret cannot be had, and asks again next time', async () => {
    const endpoint = tokenEndpoint();
    let available = false;
    const source = createKernelTokenSource({
      tokenUrl: TOKEN_URL,
      clientId: 'ext-notes',
      clientSecret: () => {
        if (!available) throw new Error('the secret file is not there yet');
        return 'late';
      },
      fetch: endpoint.stub,
    });
    await assert.rejects(source.token(), /the secret file is not there yet/);
    assert.equal(endpoint.requests.length, 0, 'nothing was sent without a secret');
    available = true;
    assert.equal(await source.token(), 't1');
  });
});
