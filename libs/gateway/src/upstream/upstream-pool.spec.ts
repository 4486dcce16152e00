import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { LazyPool } from './upstream-pool.js';

describe(LazyPool.name, () => {
  let server: Server;
  let origin: string;
  before(async () => {
    server = createServer((req, res) => res.end(`hello ${req.url}`));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('serves a request made before its client has loaded, and later ones on the same pool', async () => {
    const pool = new LazyPool(origin, {});
    for (const path of ['/first', '/second']) {
      const res = await pool.request({ method: 'GET', path });
      assert.equal(res.statusCode, 200);
      assert.equal(await res.body.text(), `hello ${path}`);
    }
    await pool.close();
  });

  it('refuses requests once closed, also when closed before its first request', async () => {
    const pool = new LazyPool(origin, {});
    await pool.close();
    await assert.rejects(pool.request({ method: 'GET', path: '/' }), { name: 'ClientClosedError' });
  });
});
