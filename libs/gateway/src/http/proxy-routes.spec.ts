import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { WebSocket, WebSocketServer } from 'ws';
import type { APIService, ReverseProxy } from '@mortise/api';
import { GatewayFixture, TEST_ISSUER, bearer } from '../testing/gateway-fixture.js';
import { TestUpstream, closedPortUrl, rawStatus } from '../testing/test-upstream.js';
import { IDENTITY_TOKEN_TYPE } from '../identity/identity-token-signer.js';
import { registerProxyRoutes } from './proxy-routes.js';

const EXT_LABEL = 'extensions.mortise.io/extension';

function reverseProxy(name: string, spec: ReverseProxy['spec'], extension = 'sample'): ReverseProxy {
  return {
    apiVersion: 'extensions.mortise.io/v1',
    kind: 'ReverseProxy',
    metadata: { name, labels: { [EXT_LABEL]: extension } },
    spec,
  };
}

function apiService(name: string, spec: APIService['spec']): APIService {
  return {
    apiVersion: 'extensions.mortise.io/v1',
    kind: 'APIService',
    metadata: { name, labels: { [EXT_LABEL]: 'sample' } },
    spec,
  };
}

interface Echo {
  method: string;
  url: string;
  headers: Record<string, string | undefined>;
  body: string;
}

describe(registerProxyRoutes.name, () => {
  const upstream = new TestUpstream();
  const sockets = new WebSocketServer({ server: upstream.server });
  const fixture = new GatewayFixture({
    alice: () => true,
    // bob may use the UI routes but nothing under /proxy/admin/ and no API group.
    bob: (info) => !info.isResourceRequest && !info.path.startsWith('/proxy/admin/'),
  });

  before(async () => {
    sockets.on('connection', (ws, req) => {
      ws.send(JSON.stringify({ user: req.headers['x-remote-user'], cookie: req.headers.cookie ?? null }));
      ws.on('message', (data: Buffer) => ws.send(`echo:${data.toString()}`));
    });
    await upstream.start();
    await fixture.start();
    await fixture.create(
      reverseProxy('ui', {
        matcher: { path: '/proxy/sample/*' },
        url: `${upstream.url}/base`,
        directives: {
          stripPathPrefix: '/proxy/sample',
          headerUp: ['X-Ui yes'],
          headerDown: ['-X-Powered-By', 'X-Frame-Options SAMEORIGIN'],
        },
      }),
    );
    await fixture.create(reverseProxy('admin', { matcher: { path: '/proxy/admin/*' }, url: upstream.url }));
    await fixture.create(apiService('sample-api', { group: 'sample.example.io', version: 'v1', url: upstream.url }));
  });
  after(async () => {
    sockets.close();
    await fixture.stop();
    await upstream.stop();
  });
  afterEach(() => {
    upstream.seen.length = 0;
    upstream.handler = new TestUpstream().handler;
  });

  describe('identity', () => {
    it('replaces client-sent identity headers with the real caller and a verifiable identity token', async () => {
      const res = await fetch(`${fixture.url}/proxy/sample/page?q=1`, {
        headers: {
          ...bearer('bob'),
          'x-remote-user': 'admin',
          'X-Remote-Groups': 'platform-admins',
          'x-mortise-identity': 'forged',
        },
      });
      assert.equal(res.status, 200);
      const echo = (await res.json()) as Echo;
      assert.equal(echo.url, '/base/page?q=1');
      assert.equal(echo.headers['x-remote-user'], 'bob');
      assert.equal(echo.headers['x-remote-groups'], 'system:authenticated,bob-team');
      assert.equal(echo.headers.authorization, undefined);
      assert.equal(echo.headers['x-ui'], 'yes');
      assert.equal(echo.headers['x-forwarded-prefix'], '/proxy/sample');
      const { payload, protectedHeader } = await jwtVerify(
        echo.headers['x-mortise-identity']!,
        createLocalJWKSet(fixture.jwks as never),
        {
          issuer: TEST_ISSUER,
          audience: 'ext:sample',
          typ: IDENTITY_TOKEN_TYPE,
        },
      );
      assert.equal(protectedHeader.typ, IDENTITY_TOKEN_TYPE);
      assert.equal(payload.sub, 'bob');
      assert.equal((payload.exp ?? 0) - (payload.iat ?? 0), 60);
    });

    it('reuses the identity token for the same user and audience', async () => {
      const first = (await (await fetch(`${fixture.url}/proxy/sample/a`, { headers: bearer('bob') })).json()) as Echo;
      const second = (await (await fetch(`${fixture.url}/proxy/sample/b`, { headers: bearer('bob') })).json()) as Echo;
      assert.equal(first.headers['x-mortise-identity'], second.headers['x-mortise-identity']);
    });

    it('authenticates browser requests by the session cookie without forwarding it', async () => {
      const res = await fetch(`${fixture.url}/proxy/sample/frame`, {
        headers: { cookie: 'mortise_session=bob; lang=en' },
      });
      const echo = (await res.json()) as Echo;
      assert.equal(echo.headers['x-remote-user'], 'bob');
      assert.equal(echo.headers.cookie, 'lang=en');
    });

    it("forwards the caller's own token only where the route opts in, a session cookie as a bearer token", async () => {
      await fixture.create(
        reverseProxy('passthrough', {
          matcher: { path: '/proxy/pass/*' },
          url: upstream.url,
          directives: { passUserToken: true },
        }),
      );
      const byHeader = (await (await fetch(`${fixture.url}/proxy/pass/x`, { headers: bearer('bob') })).json()) as Echo;
      assert.equal(byHeader.headers.authorization, 'Bearer user:bob');
      const byCookie = (await (
        await fetch(`${fixture.url}/proxy/pass/x`, { headers: { cookie: 'mortise_session=bob' } })
      ).json()) as Echo;
      assert.equal(byCookie.headers.authorization, 'Bearer bob');
      assert.equal(byCookie.headers.cookie, undefined);
    });

    it('applies response header directives', async () => {
      upstream.handler = (_req, res) => res.writeHead(200, { 'x-powered-by': 'php' }).end('ok');
      const res = await fetch(`${fixture.url}/proxy/sample/x`, { headers: bearer('bob') });
      assert.equal(res.headers.get('x-powered-by'), null);
      assert.equal(res.headers.get('x-frame-options'), 'SAMEORIGIN');
    });

    it("keeps the kernel's request id beside the upstream's headers, and on the gateway's own errors", async () => {
      upstream.handler = (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      const proxied = await fetch(`${fixture.url}/proxy/sample/x`, { headers: bearer('bob') });
      assert.equal(proxied.headers.get('content-type'), 'text/plain');
      assert.ok(proxied.headers.get('x-request-id'));
      assert.equal(await proxied.text(), 'ok');
      upstream.handler = (_req, res) => res.writeHead(200, { 'x-request-id': 'upstream-1' }).end('ok');
      const own = await fetch(`${fixture.url}/proxy/sample/x`, { headers: bearer('bob') });
      assert.equal(own.headers.get('x-request-id'), 'upstream-1', "the upstream's own id is not overwritten");
      const disabled = reverseProxy('off-id', { matcher: { path: '/proxy/off-id/*' }, url: upstream.url });
      disabled.metadata.annotations = { 'extensions.mortise.io/disabled': 'true' };
      await fixture.create(disabled);
      const refused = await fetch(`${fixture.url}/proxy/off-id/x`, { headers: bearer('alice') });
      assert.equal(refused.status, 503);
      assert.ok(refused.headers.get('x-request-id'));
      await refused.arrayBuffer();
    });

    it('relays a sized body that arrives in several pieces, and a HEAD without one', async () => {
      const piece = 'x'.repeat(10_000);
      upstream.handler = (req, res) => {
        res.writeHead(200, { 'content-length': String(piece.length * 3) });
        if (req.method === 'HEAD') return void res.end();
        res.write(piece);
        setTimeout(() => res.write(piece), 5);
        setTimeout(() => res.end(piece), 10);
      };
      const res = await fetch(`${fixture.url}/proxy/sample/big`, { headers: bearer('bob') });
      assert.equal(res.headers.get('content-length'), String(piece.length * 3));
      assert.equal((await res.text()).length, piece.length * 3);
      const head = await fetch(`${fixture.url}/proxy/sample/big`, { method: 'HEAD', headers: bearer('bob') });
      assert.equal(head.status, 200);
      assert.equal(head.headers.get('content-length'), String(piece.length * 3));
    });
  });

  describe('authorization', () => {
    it('never lets an anonymous or unauthorized caller reach the upstream', async () => {
      assert.equal((await fetch(`${fixture.url}/proxy/sample/x`)).status, 401);
      assert.equal((await fetch(`${fixture.url}/proxy/admin/x`, { headers: bearer('bob') })).status, 403);
      assert.equal(
        (await fetch(`${fixture.url}/kapis/sample.example.io/v1/things`, { headers: bearer('bob') })).status,
        403,
      );
      assert.equal((await fetch(`${fixture.url}/proxy/admin/x`, { headers: bearer('mallory') })).status, 403);
      assert.equal(upstream.seen.length, 0);
    });

    it('refuses a WebSocket upgrade from an unauthorized caller before contacting the upstream', async () => {
      const ws = new WebSocket(`${fixture.url.replace('http', 'ws')}/proxy/admin/socket`, { headers: bearer('bob') });
      const status = await new Promise<number>((resolve) =>
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode!)),
      );
      assert.equal(status, 403);
      assert.equal(sockets.clients.size, 0);
    });
  });

  describe('APIService', () => {
    it('proxies /kapis/{group}/{version}/... with path and query kept and the workspace of the path', async () => {
      const res = await fetch(`${fixture.url}/kapis/sample.example.io/v1/workspaces/ws1/things?limit=2`, {
        method: 'POST',
        headers: { ...bearer('alice'), 'content-type': 'application/json' },
        body: '{"a":1}',
      });
      assert.equal(res.status, 200);
      const echo = (await res.json()) as Echo;
      assert.equal(echo.url, '/kapis/sample.example.io/v1/workspaces/ws1/things?limit=2');
      assert.equal(echo.body, '{"a":1}');
      assert.equal(echo.headers['x-remote-workspace'], 'ws1');
      const { payload } = await jwtVerify(
        echo.headers['x-mortise-identity']!,
        createLocalJWKSet(fixture.jwks as never),
        {
          audience: 'ext:sample',
        },
      );
      assert.equal(payload.ws, 'ws1');
    });

    it('refuses a second APIService for a taken group/version and one for a kernel group', async () => {
      const second = await fixture.create(
        apiService('copycat', { group: 'sample.example.io', version: 'v1', url: upstream.url }),
      );
      assert.equal(second.status?.state, 'Unavailable');
      assert.equal(second.status?.conditions?.[0]?.reason, 'Conflict');
      const kernel = await fixture.create(
        apiService('hijack', { group: 'iam.mortise.io', version: 'v1', url: upstream.url }),
      );
      assert.equal(kernel.status?.state, 'Unavailable');
      assert.match(kernel.status?.conditions?.[0]?.message ?? '', /owned by the kernel/);
    });
  });

  describe('routes', () => {
    it('refuses an overlapping matcher and keeps serving the existing route', async () => {
      const overlapping = await fixture.create(
        reverseProxy('overlap', { matcher: { path: '/proxy/sample/deep/*' }, url: upstream.url }, 'other'),
      );
      assert.equal(overlapping.status?.state, 'Unavailable');
      assert.match(overlapping.status?.conditions?.[0]?.message ?? '', /overlaps/);
      const echo = (await (
        await fetch(`${fixture.url}/proxy/sample/deep/x`, { headers: bearer('alice') })
      ).json()) as Echo;
      assert.equal(echo.url, '/base/deep/x');
    });

    it('adds, changes and removes routes without a restart', async () => {
      assert.equal((await fetch(`${fixture.url}/proxy/hot/x`, { headers: bearer('alice') })).status, 404);
      const created = await fixture.create(
        reverseProxy('hot', { matcher: { path: '/proxy/hot/*' }, url: upstream.url }),
      );
      assert.equal(created.status?.state, 'Available');
      assert.equal(
        ((await (await fetch(`${fixture.url}/proxy/hot/x`, { headers: bearer('alice') })).json()) as Echo).url,
        '/proxy/hot/x',
      );
      const changed = await fixture.store.update({
        ...created,
        spec: { ...created.spec, directives: { rewrite: '/v2/*' } },
      });
      await fixture.waitForStatus(changed);
      assert.equal(
        ((await (await fetch(`${fixture.url}/proxy/hot/x`, { headers: bearer('alice') })).json()) as Echo).url,
        '/v2/x',
      );
      await fixture.store.delete({ group: 'extensions.mortise.io', kind: 'ReverseProxy', name: 'hot' });
      await fixture.settle();
      assert.equal((await fetch(`${fixture.url}/proxy/hot/x`, { headers: bearer('alice') })).status, 404);
    });

    it('answers 503 with Retry-After for a disabled route and says so in its status', async () => {
      const disabled = reverseProxy('off', { matcher: { path: '/proxy/off/*' }, url: upstream.url });
      disabled.metadata.annotations = { 'extensions.mortise.io/disabled': 'true' };
      const created = await fixture.create(disabled);
      assert.equal(created.status?.state, 'Disabled');
      const res = await fetch(`${fixture.url}/proxy/off/x`, { headers: bearer('alice') });
      assert.equal(res.status, 503);
      assert.equal(res.headers.get('retry-after'), '60');
      assert.equal(upstream.seen.filter((r) => r.url !== '/healthz').length, 0);
    });

    it('refuses traversal out of a route', async () => {
      // fetch() would normalise these away; a raw request sends them as an attacker would.
      for (const path of ['/proxy/sample/../admin/x', '/proxy/sample/%2e%2e/admin/x', '/proxy/sample/..%2fadmin']) {
        assert.equal(await rawStatus(`${fixture.url}${path}`, bearer('alice')), 400, path);
      }
      assert.equal(upstream.seen.length, 0);
    });
  });

  describe('streams and failures', () => {
    it('passes a WebSocket through with the caller identity and without the session cookie', async () => {
      const ws = new WebSocket(`${fixture.url.replace('http', 'ws')}/proxy/sample/socket`, {
        headers: { cookie: 'mortise_session=bob; lang=en', 'x-remote-user': 'admin' },
      });
      const messages: string[] = [];
      const hello = new Promise<void>((resolve) =>
        ws.once('message', (d: Buffer) => (messages.push(d.toString()), resolve())),
      );
      await new Promise<void>((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
      await hello;
      assert.deepEqual(JSON.parse(messages[0]), { user: 'bob', cookie: 'lang=en' });
      const echoed = new Promise<string>((resolve) => ws.once('message', (d: Buffer) => resolve(d.toString())));
      ws.send('ping');
      assert.equal(await echoed, 'echo:ping');
      ws.close();
    });

    it('ends open tunnels on shutdown (the HTTP server no longer tracks upgraded sockets)', async () => {
      const ws = new WebSocket(`${fixture.url.replace('http', 'ws')}/proxy/sample/socket`, {
        headers: bearer('alice'),
      });
      await new Promise<void>((resolve, reject) => (ws.once('message', () => resolve()), ws.once('error', reject)));
      assert.ok(fixture.gateway.dispatch.openTunnels >= 1);
      const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
      fixture.gateway.dispatch.closeTunnels();
      await closed;
      assert.equal(fixture.gateway.dispatch.openTunnels, 0);
    });

    it('streams server-sent events as they are produced', async () => {
      let release!: () => void;
      const released = new Promise<void>((r) => (release = r));
      upstream.handler = (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: 1\n\n');
        void released.then(() => res.end('data: 2\n\n'));
      };
      const res = await fetch(`${fixture.url}/proxy/sample/events`, { headers: bearer('alice') });
      const reader = res.body!.getReader();
      assert.equal(Buffer.from((await reader.read()).value).toString(), 'data: 1\n\n');
      release();
      assert.equal(Buffer.from((await reader.read()).value).toString(), 'data: 2\n\n');
    });

    it('answers 503 with Retry-After when the upstream is down, opens the breaker and closes it after recovery', async () => {
      const dead = await closedPortUrl();
      const created = await fixture.create(
        reverseProxy('dead', { matcher: { path: '/proxy/dead/*' }, url: dead, timeouts: { connect: 200 } }),
      );
      assert.equal(created.status?.state, 'Unavailable');
      assert.equal(created.status?.conditions?.[0]?.reason, 'ProbeFailed');
      const res = await fetch(`${fixture.url}/proxy/dead/x`, { headers: bearer('alice') });
      assert.equal(res.status, 503);
      assert.ok(res.headers.get('retry-after'));
      // Point it at a live upstream: the route recovers without a restart.
      const fixed = await fixture.store.update({ ...created, spec: { ...created.spec, url: upstream.url } });
      const recovered = await fixture.waitForStatus(fixed);
      assert.equal(recovered.status?.state, 'Available');
      assert.equal((await fetch(`${fixture.url}/proxy/dead/x`, { headers: bearer('alice') })).status, 200);
    });

    it('answers 504 when the upstream is slower than its response timeout', async () => {
      await fixture.create(
        reverseProxy('slow', { matcher: { path: '/proxy/slow/*' }, url: upstream.url, timeouts: { response: 100 } }),
      );
      upstream.handler = (req, res) =>
        req.url === '/healthz' ? res.end() : void setTimeout(() => res.end('late'), 1_500);
      const res = await fetch(`${fixture.url}/proxy/slow/x`, { headers: bearer('alice') });
      assert.equal(res.status, 504);
    });
  });
});
