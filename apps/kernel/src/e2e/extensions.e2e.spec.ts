import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { UnauthorizedError, type Authenticator, type Caller } from '@mortise/api';
import { TestAuthorizer, copyExtensionPackage, type TestUser } from '@mortise/runtime';
import { MemoryStore } from '@mortise/store';
import { startTestKernel, type TestKernel } from '../testing/kernel-fixture.js';

const SAMPLE = fileURLToPath(new URL('../../../../extensions/announcements/', import.meta.url));
const GROUP_PATH = '/kapis/announcements.samples.mortise.io/v1';
const DEVLOADS = '/kapis/extensions.mortise.io/v1/devloads';

// Identity and authorization land as their own features; until then the e2e
// plugs a bearer-name authenticator and an RBAC rule matcher into the
// pipeline's seams. The rule matcher reads the RoleTemplates the extension publishes.
const USERS: Record<string, TestUser> = {
  admin: { rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'], nonResourceURLs: ['*'] }] },
  lead: { roleTemplates: ['announcements-manage'] },
  dev: { roleTemplates: ['announcements-view'] },
  outsider: {},
};

const bearerName: Authenticator = {
  async authenticate(request): Promise<Caller | undefined> {
    const header = request.headers.authorization;
    if (typeof header !== 'string') return undefined;
    const name = header.replace(/^Bearer /, '');
    if (!(name in USERS)) throw new UnauthorizedError('the token is not valid; log in again');
    return { user: { username: name, uid: `u-${name}`, groups: ['system:authenticated'] }, credential: 'token' };
  },
};

describe('in-process extensions in a running kernel', () => {
  let k: TestKernel;
  const as = (user: string | undefined, method: string, path: string, body?: unknown) =>
    k.call(method, path, {
      ...(body !== undefined ? { body } : {}),
      ...(user ? { headers: { authorization: `Bearer ${user}` } } : {}),
    });

  before(async () => {
    const store = new MemoryStore();
    k = await startTestKernel({
      store,
      authenticators: [bearerName],
      authorizer: new TestAuthorizer(USERS, store),
      config: { devLoads: true },
    });
  });
  after(() => k.close());

  it('installs the sample from a directory for platform admins only', async () => {
    const directory = await copyExtensionPackage(SAMPLE, '1.0.0');
    assert.equal((await as('lead', 'POST', DEVLOADS, { directory })).status, 403);
    const res = await as('admin', 'POST', DEVLOADS, { directory });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.status.version, '1.0.0');
    assert.equal(k.kernel.groups.ownerOf('announcements.samples.mortise.io')?.type, 'extension');
  });

  it('serves the extension to users with the permission and refuses the others', async () => {
    const created = await as('lead', 'POST', `${GROUP_PATH}/namespaces/shop/broadcasts`, { title: 'Deploy freeze' });
    assert.equal(created.status, 201, created.text);
    const inbox = await as('dev', 'GET', `${GROUP_PATH}/namespaces/shop/inbox`);
    assert.equal(inbox.status, 200);
    assert.deepEqual(
      inbox.body.items.map((i: { title: string }) => i.title),
      ['Deploy freeze'],
    );
    assert.equal((await as('dev', 'POST', `${GROUP_PATH}/namespaces/shop/broadcasts`, { title: 'x' })).status, 403);
    assert.equal((await as('outsider', 'GET', `${GROUP_PATH}/namespaces/shop/inbox`)).status, 403);
    assert.equal((await as(undefined, 'GET', `${GROUP_PATH}/namespaces/shop/inbox`)).status, 401);
    assert.equal((await as('mallory', 'GET', `${GROUP_PATH}/namespaces/shop/inbox`)).status, 401);

    // The kernel's request id goes back with the extension's answer and with refusals alike.
    for (const [user, status] of [
      ['dev', 200],
      ['outsider', 403],
    ] as const) {
      const traced = await k.call('GET', `${GROUP_PATH}/namespaces/shop/inbox`, {
        headers: { authorization: `Bearer ${user}`, 'x-request-id': `trace-${user}` },
      });
      assert.equal(traced.status, status);
      assert.equal(traced.headers.get('x-request-id'), `trace-${user}`);
    }

    const name = inbox.body.items[0].name as string;
    const ack = await as('dev', 'POST', `${GROUP_PATH}/namespaces/shop/announcements/${name}/acknowledge`);
    assert.equal(ack.status, 200, ack.text);
    assert.deepEqual(ack.body.status.acknowledgedBy, ['dev']);
  });

  it('serves the declared kind with the generic REST, authorized like kernel kinds', async () => {
    const list = await as('dev', 'GET', `${GROUP_PATH}/namespaces/shop/announcements`);
    assert.equal(list.status, 200, list.text);
    assert.equal(list.body.kind, 'AnnouncementList');
    assert.equal(list.body.items.length, 1);
    const denied = await as(
      'dev',
      'DELETE',
      `${GROUP_PATH}/namespaces/shop/announcements/${list.body.items[0].metadata.name}`,
    );
    assert.equal(denied.status, 403);
  });

  it('upgrades under continuous load with zero failed requests', async () => {
    let running = true;
    const outcomes = new Map<number, number>();
    const servedBy = new Set<string>();
    const clients = Array.from({ length: 6 }, async () => {
      while (running) {
        const res = await as('dev', 'GET', `${GROUP_PATH}/namespaces/shop/inbox`).catch(() => ({
          status: 0,
          body: {},
        }));
        outcomes.set(res.status, (outcomes.get(res.status) ?? 0) + 1);
        if (res.status === 200) servedBy.add((res.body as { servedBy: string }).servedBy);
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const upgraded = await as('admin', 'POST', DEVLOADS, { directory: await copyExtensionPackage(SAMPLE, '2.0.0') });
    await new Promise((resolve) => setTimeout(resolve, 150));
    running = false;
    await Promise.all(clients);
    assert.equal(upgraded.status, 201, upgraded.text);
    assert.deepEqual([...outcomes.keys()], [200]);
    assert.deepEqual([...servedBy].sort(), ['1.0.0', '2.0.0']);
    assert.equal(k.kernel.extensions.status('announcements').version, '2.0.0');
  });

  it('uninstalls: clean NotFound Status on its routes and its kind, group released', async () => {
    assert.equal((await as('admin', 'DELETE', `${DEVLOADS}/announcements`)).status, 200);
    for (const path of [`${GROUP_PATH}/namespaces/shop/inbox`, `${GROUP_PATH}/namespaces/shop/announcements`]) {
      const res = await as('admin', 'GET', path);
      assert.equal(res.status, 404, `${path}: ${res.text}`);
      assert.equal(res.body.kind, 'Status');
    }
    assert.equal(k.kernel.groups.ownerOf('announcements.samples.mortise.io'), undefined);
  });
});
