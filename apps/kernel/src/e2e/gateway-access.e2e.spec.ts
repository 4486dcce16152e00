import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startAccessControlKernel, type AccessControlKernel } from '../testing/access-control-fixture.js';

const TENANT = '/kapis/tenant.mortise.io/v1';
const IAM = '/kapis/iam.mortise.io/v1';
const EXT = '/kapis/extensions.mortise.io/v1';
const MENUS = `${EXT}/menus`;

describe('gateway under RBAC', () => {
  let k: AccessControlKernel;
  let upstream: Server;
  const seen: IncomingHttpHeaders[] = [];

  const names = async (user: string, query = ''): Promise<string[]> => {
    const res = await k.as(user, 'GET', `${MENUS}${query}`);
    assert.equal(res.status, 200, res.text);
    return (res.body.items as Array<{ name: string }>).map((i) => i.name);
  };

  before(async () => {
    upstream = createServer((req, res) => {
      // Health probes are the gateway's own; only proxied requests count.
      if (req.url !== '/healthz') seen.push(req.headers);
      res.end('ok');
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    k = await startAccessControlKernel();
    for (const name of ['ann', 'cid']) {
      const body = { apiVersion: 'iam.mortise.io/v1', kind: 'User', metadata: { name }, spec: {} };
      assert.equal((await k.as('admin', 'POST', `${IAM}/users`, { body })).status, 201);
    }
    const ws = {
      apiVersion: 'tenant.mortise.io/v1',
      kind: 'Workspace',
      metadata: { name: 'team' },
      spec: { manager: 'ann' },
    };
    assert.equal((await k.as('admin', 'POST', `${TENANT}/workspaces`, { body: ws })).status, 201);
    const labels = { 'extensions.mortise.io/extension': 'widgets' };
    const entry = {
      apiVersion: 'extensions.mortise.io/v1',
      kind: 'ExtensionEntry',
      metadata: { name: 'widgets', labels },
      spec: {
        entries: [
          { name: 'widgets.about', title: 'About widgets', parent: 'global', order: 1 },
          {
            name: 'widgets.list',
            title: 'Widgets',
            parent: 'workspace',
            order: 1,
            permission: { verb: 'list', apiGroup: 'example.mortise.io', resource: 'widgets', scope: 'workspace' },
          },
        ],
      },
    };
    assert.equal((await k.as('admin', 'POST', `${EXT}/extensionentries`, { body: entry })).status, 201);
    const port = (upstream.address() as AddressInfo).port;
    const proxy = {
      apiVersion: 'extensions.mortise.io/v1',
      kind: 'ReverseProxy',
      metadata: { name: 'widgets-ui', labels },
      spec: { matcher: { path: '/proxy/widgets/*' }, url: `http://127.0.0.1:${port}` },
    };
    assert.equal((await k.as('admin', 'POST', `${EXT}/reverseproxies`, { body: proxy })).status, 201);
    for (let i = 0; i < 100 && (await names('admin')).length === 0; i++) await new Promise((r) => setTimeout(r, 20));
  });
  after(async () => {
    await k.close();
    upstream.closeAllConnections();
    upstream.close();
  });

  it('lists menu entries per the real roles: the workspace admin sees the workspace entry, a stranger does not', async () => {
    assert.deepEqual(await names('ann', '?workspace=team'), ['widgets.about', 'widgets.list']);
    assert.deepEqual(await names('cid', '?workspace=team'), ['widgets.about']);
    assert.deepEqual(await names('ann'), ['widgets.about']);
    assert.equal((await k.as('anonymous', 'GET', MENUS)).status, 401);
  });

  it('authorizes /proxy by non-resource URL rules before the upstream sees anything', async () => {
    assert.equal((await k.as('cid', 'GET', '/proxy/widgets/page')).status, 403);
    assert.equal(seen.length, 0);
    const res = await k.as('admin', 'GET', '/proxy/widgets/page', { headers: { 'x-remote-user': 'cid' } });
    assert.equal(res.status, 200);
    assert.equal(seen.length, 1);
    assert.equal(seen[0]['x-remote-user'], 'admin');
  });

  it('answers proxied requests, refusals and unrouted paths with a Status and the request id', async () => {
    const traced = (user: string, path: string, id: string) =>
      k.as(user, 'GET', path, { headers: { 'x-request-id': id } });
    const served = await traced('admin', '/proxy/widgets/page', 'trace-served');
    assert.equal(served.status, 200);
    assert.equal(served.headers.get('x-request-id'), 'trace-served');
    const refused = await traced('cid', '/proxy/widgets/page', 'trace-refused');
    assert.equal(refused.status, 403);
    assert.equal(refused.headers.get('x-request-id'), 'trace-refused');
    const unrouted = await traced('admin', '/proxy/nothing-here', 'trace-unrouted');
    assert.equal(unrouted.status, 404);
    assert.equal(unrouted.body.kind, 'Status');
    assert.match(unrouted.body.message, /no ReverseProxy serves GET \/proxy\/nothing-here/);
    assert.equal(unrouted.headers.get('x-request-id'), 'trace-unrouted');
  });
});
