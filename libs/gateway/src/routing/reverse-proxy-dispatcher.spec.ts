import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiGroupRegistry, nonResourceRequestInfo, type Caller } from '@mortise/api';
import { Gateway } from '../gateway.js';
import { IdentityTokenIssuer } from '../identity/identity-token-issuer.js';
import { JwtIdentityTokenSigner } from '../identity/identity-token-signer.js';
import { TestUpstream } from '../testing/test-upstream.js';
import { ReverseProxyDispatcher } from './reverse-proxy-dispatcher.js';

const ada: Caller = { user: { username: 'ada', uid: 'u1', groups: ['devs'] }, credential: 'token' };

/** The dispatcher as the kernel's server entry calls it: raw request, the pipeline's context. */
describe(ReverseProxyDispatcher.name, () => {
  const upstream = new TestUpstream();
  let server: Server;
  let url = '';
  let registered: { prefix: string; dispatcher: ReverseProxyDispatcher } | undefined;

  before(async () => {
    await upstream.start();
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const gateway = new Gateway({
      groups: new ApiGroupRegistry(),
      identity: new IdentityTokenIssuer(
        new JwtIdentityTokenSigner(() => ({ kid: 'k1', algorithm: 'ES256', privateKey })),
        { issuer: 'https://mortise.test' },
      ),
      authorizer: { authorize: () => ({ allowed: true, reason: 'test' }) },
      dispatchers: {
        set: () => undefined,
        delete: () => undefined,
        setPathPrefix: (prefix, dispatcher) => void (registered = { prefix, dispatcher }),
      },
    });
    gateway.applyReverseProxy({
      apiVersion: 'extensions.mortise.io/v1',
      kind: 'ReverseProxy',
      metadata: { name: 'notes' },
      spec: { matcher: { path: '/proxy/notes/*' }, url: upstream.url, directives: { stripPathPrefix: '/proxy/notes' } },
    });
    server = createServer((req, res) => {
      const info = nonResourceRequestInfo((req.url ?? '/').split('?')[0], req.method ?? 'GET');
      void registered?.dispatcher.dispatch(req, res, { requestId: 'req-7', caller: ada, info });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    server.close();
    await upstream.stop();
  });

  it('is registered for the /proxy/ prefix of the kernel dispatch registry', () => {
    assert.equal(registered?.prefix, '/proxy/');
  });

  it('proxies a matched path with the route directives, the query kept, the identity added and the request id back', async () => {
    const res = await fetch(`${url}/proxy/notes/items?page=2`, { headers: { 'x-remote-user': 'admin' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-request-id'), 'req-7');
    const seen = (await res.json()) as { url: string; headers: Record<string, string> };
    assert.equal(seen.url, '/items?page=2');
    assert.equal(seen.headers['x-remote-user'], 'ada');
    assert.equal(seen.headers['x-remote-groups'], 'devs');
    assert.ok(seen.headers['x-mortise-identity']);
  });

  it('answers unrouted paths with a 404 Status and dot segments with a 400, the upstream never asked', async () => {
    const before = upstream.seen.length;
    const unrouted = await fetch(`${url}/proxy/elsewhere/x`);
    assert.equal(unrouted.status, 404);
    assert.equal(unrouted.headers.get('x-request-id'), 'req-7');
    assert.match(
      ((await unrouted.json()) as { message: string }).message,
      /no ReverseProxy serves GET \/proxy\/elsewhere\/x/,
    );
    // Sent as is: a URL string would have its escaped dots normalised away.
    const traversal = await new Promise<number>((resolve, reject) => {
      get({ host: '127.0.0.1', port: new URL(url).port, path: '/proxy/notes/%2e%2e/admin' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject);
    });
    assert.equal(traversal, 400);
    assert.equal(upstream.seen.length, before);
  });
});
