import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { UpstreamProxy } from './upstream-proxy.js';
import { upstreamHeaders } from './upstream-headers.js';
import { Upstream } from '../upstream/upstream.js';
import { resolveUpstreamTarget } from '../upstream/upstream-target.js';
import type { Endpoint } from '@mortise/api';
import { TestUpstream, closedPortUrl, listen } from '../testing/test-upstream.js';

interface Front {
  url: string;
  upstream: Upstream;
  stop: () => Promise<void>;
}

async function front(endpoint: Endpoint, options: { failureThreshold?: number; openMs?: number } = {}): Promise<Front> {
  const upstream = new Upstream('ReverseProxy/test', resolveUpstreamTarget(endpoint), { breaker: options });
  const proxy = new UpstreamProxy();
  const server = await listen((req, res) => {
    void proxy.forward(req, res, {
      upstream,
      path: upstream.target.basePath + (req.url ?? '/'),
      headers: upstreamHeaders(
        req.headers,
        { clientIp: req.socket.remoteAddress ?? '', proto: 'http', host: req.headers.host },
        { passAuthorization: false, credentialCookies: ['mortise_session'], trustForwardedFor: false },
      ),
      responseDirectives: [{ op: 'set', name: 'x-served-by', value: 'gateway' }],
    });
  });
  return {
    url: server.url,
    upstream,
    stop: async () => {
      await upstream.close();
      await server.stop();
    },
  };
}

describe(UpstreamProxy.name, () => {
  const backend = new TestUpstream();
  let gw: Front;
  before(async () => {
    await backend.start();
    gw = await front({ url: `${backend.url}/base`, maxRequestBodyBytes: 1024, timeouts: { response: 300 } });
  });
  after(async () => {
    await gw.stop();
    await backend.stop();
  });
  afterEach(() => {
    backend.seen.length = 0;
    backend.readBody = true;
    backend.handler = new TestUpstream().handler;
  });

  describe('forwarding', () => {
    it('keeps method, path under the base path, query and body, and applies response directives', async () => {
      const res = await fetch(`${gw.url}/items/a%20b?x=1&y=2`, { method: 'POST', body: 'hello' });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('x-served-by'), 'gateway');
      const echoed = (await res.json()) as { method: string; url: string; body: string };
      assert.deepEqual([echoed.method, echoed.url, echoed.body], ['POST', '/base/items/a%20b?x=1&y=2', 'hello']);
    });

    it('never passes client identity headers, credentials or session cookies upstream', async () => {
      await fetch(`${gw.url}/x`, {
        headers: {
          'x-remote-user': 'admin',
          'x-remote-groups': 'platform-admins',
          'x-mortise-identity': 'forged',
          authorization: 'Bearer secret',
          cookie: 'mortise_session=tok; theme=dark',
          'x-forwarded-for': '6.6.6.6',
        },
      });
      const seen = backend.seen[0].headers;
      assert.equal(seen['x-remote-user'], undefined);
      assert.equal(seen['x-remote-groups'], undefined);
      assert.equal(seen['x-mortise-identity'], undefined);
      assert.equal(seen.authorization, undefined);
      assert.equal(seen.cookie, 'theme=dark');
      assert.equal(seen['x-forwarded-for'], '127.0.0.1');
      assert.equal(seen['x-forwarded-proto'], 'http');
    });
  });

  describe('streaming', () => {
    it('delivers the first response bytes before the upstream has finished (no buffering)', async () => {
      let release!: () => void;
      const released = new Promise<void>((r) => (release = r));
      backend.handler = (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: one\n\n');
        void released.then(() => res.end('data: two\n\n'));
      };
      const res = await fetch(`${gw.url}/events`);
      const reader = res.body!.getReader();
      const first = await reader.read();
      assert.equal(Buffer.from(first.value).toString(), 'data: one\n\n');
      release();
      let rest = '';
      for (let next = await reader.read(); !next.done; next = await reader.read())
        rest += Buffer.from(next.value).toString();
      assert.equal(rest, 'data: two\n\n');
    });

    it('delivers the first chunk of a sized body while the upstream still holds the rest', async () => {
      let release!: () => void;
      const released = new Promise<void>((r) => (release = r));
      backend.handler = (_req, res) => {
        res.writeHead(200, { 'content-length': '8' });
        res.write('1234');
        void released.then(() => res.end('5678'));
      };
      const res = await fetch(`${gw.url}/sized`);
      const reader = res.body!.getReader();
      assert.equal(Buffer.from((await reader.read()).value).toString(), '1234');
      release();
      assert.equal(Buffer.from((await reader.read()).value).toString(), '5678');
    });

    it('streams a request body to the upstream as it arrives', async () => {
      backend.readBody = false;
      let firstChunkSeen!: (chunk: string) => void;
      const firstChunk = new Promise<string>((r) => (firstChunkSeen = r));
      backend.handler = (req, res) => {
        req.once('data', (c: Buffer) => firstChunkSeen(c.toString()));
        req.on('end', () => res.end('done'));
        req.resume();
      };
      const req = httpRequest(`${gw.url}/upload`, { method: 'PUT', headers: { 'content-length': '10' } });
      req.write('12345');
      assert.equal(await firstChunk, '12345');
      const response = new Promise<number>((r) => req.on('response', (res) => (res.resume(), r(res.statusCode!))));
      req.end('67890');
      assert.equal(await response, 200);
    });
  });

  describe('request body limit', () => {
    it('answers 413 to a declared length over the limit without contacting the upstream', async () => {
      const res = await fetch(`${gw.url}/upload`, { method: 'POST', body: 'x'.repeat(2048) });
      assert.equal(res.status, 413);
      assert.equal(((await res.json()) as { reason: string }).reason, 'RequestEntityTooLarge');
      assert.equal(backend.seen.length, 0);
    });

    it('aborts a chunked body that crosses the limit and answers 413', async () => {
      backend.readBody = false;
      backend.handler = (req, res) => {
        req.on('data', () => undefined);
        req.on('end', () => res.end('ok'));
      };
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(`${gw.url}/upload`, { method: 'POST' });
        req.on('response', (res) => (res.resume(), resolve(res.statusCode!)));
        req.on('error', reject);
        for (let i = 0; i < 4; i++) req.write('x'.repeat(512));
        req.end();
      });
      assert.equal(status, 413);
    });
  });

  describe('failures', () => {
    it('answers 504 when the upstream sends no headers within the response timeout', async () => {
      backend.handler = (_req, res) => void setTimeout(() => res.end('late'), 1_000);
      const res = await fetch(`${gw.url}/slow`);
      assert.equal(res.status, 504);
      assert.equal(((await res.json()) as { reason: string }).reason, 'Timeout');
    });

    it('answers 503 with Retry-After when the upstream is down, and opens the breaker', async () => {
      const down = await front(
        { url: await closedPortUrl(), timeouts: { connect: 200 } },
        { failureThreshold: 2, openMs: 60_000 },
      );
      try {
        for (let i = 0; i < 2; i++) {
          const res = await fetch(`${down.url}/x`);
          assert.equal(res.status, 503);
          assert.ok(Number(res.headers.get('retry-after')) >= 1);
        }
        assert.equal(down.upstream.breaker.state, 'open');
        const res = await fetch(`${down.url}/x`);
        assert.equal(res.status, 503);
        assert.match(((await res.json()) as { message: string }).message, /paused/);
      } finally {
        await down.stop();
      }
    });

    it('lets one probe through when half-open and closes the breaker on success', async () => {
      const local = await front({ url: backend.url }, { failureThreshold: 1, openMs: 50 });
      try {
        local.upstream.breaker.recordFailure();
        assert.equal((await fetch(`${local.url}/x`)).status, 503);
        assert.equal(backend.seen.length, 0);
        await new Promise((r) => setTimeout(r, 60));
        assert.equal(local.upstream.breaker.state, 'half-open');
        assert.equal((await fetch(`${local.url}/x`)).status, 200);
        assert.equal(local.upstream.breaker.state, 'closed');
      } finally {
        await local.stop();
      }
    });

    it('retries an idempotent request whose connection was reset before any response byte', async () => {
      let resets = 1;
      const flaky = await listen((req, res) => {
        if (resets-- > 0) return void req.socket.destroy();
        res.end('second try');
      });
      const local = await front({ url: flaky.url });
      try {
        const res = await fetch(`${local.url}/x`);
        assert.equal(res.status, 200);
        assert.equal(await res.text(), 'second try');
      } finally {
        await local.stop();
        await flaky.stop();
      }
    });

    it('does not retry a request with a body', async () => {
      let calls = 0;
      const flaky = await listen((req) => {
        calls += 1;
        req.socket.destroy();
      });
      const local = await front({ url: flaky.url });
      try {
        const res = await fetch(`${local.url}/x`, { method: 'PUT', body: 'once' });
        assert.equal(res.status, 503);
        assert.equal(calls, 1);
      } finally {
        await local.stop();
        await flaky.stop();
      }
    });

    it('answers 503 at once when the upstream is disabled or unavailable', async () => {
      gw.upstream.setDisabled(true);
      try {
        const res = await fetch(`${gw.url}/x`);
        assert.equal(res.status, 503);
        assert.equal(res.headers.get('retry-after'), '60');
      } finally {
        gw.upstream.setDisabled(false);
      }
      gw.upstream.setAvailability({ state: 'Unavailable', reason: 'ProbeFailed', message: 'connection refused' });
      try {
        assert.equal((await fetch(`${gw.url}/x`)).status, 503);
      } finally {
        gw.upstream.setAvailability({ state: 'Available', reason: 'ProbeSucceeded', message: '' });
      }
      assert.equal(backend.seen.length, 0);
    });
  });
});
