import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Status } from '@mortise/api';
import { InMemoryKernel } from './testing/in-memory-kernel.js';
import { FAULTS_GROUP, FAULTS_PATH, TEST_USERS, faultsPackage } from './testing/runtime-fixture.js';

/** Requests in a loop from `concurrency` clients until stopped; counts answers by status and version. */
function loadUntil(url: string, concurrency: number) {
  let running = true;
  const statuses = new Map<number, number>();
  const versions = new Set<string>();
  const errors: unknown[] = [];
  const clients = Array.from({ length: concurrency }, async () => {
    while (running) {
      try {
        const res = await fetch(url, { headers: { authorization: 'Bearer admin' } });
        const body = (await res.json()) as { version?: string };
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (body.version) versions.add(body.version);
      } catch (err) {
        errors.push(err);
      }
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(clients);
      return { statuses, versions, errors };
    },
  };
}

describe('ExtensionRuntime upgrade, disable and uninstall', () => {
  let kernel: InMemoryKernel;
  let base: string;
  before(async () => {
    kernel = await InMemoryKernel.start({ users: TEST_USERS });
    base = await kernel.listen();
    await kernel.runtime.install(await faultsPackage('1.0.0'));
  });
  after(() => kernel.close());

  it('upgrades under continuous load without a failed request; in-flight requests finish on the old version', async () => {
    const load = loadUntil(`${base}${FAULTS_PATH}/namespaces/p/hello`, 8);
    const slow = fetch(`${base}${FAULTS_PATH}/slow?ms=250`, { headers: { authorization: 'Bearer admin' } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await kernel.runtime.upgrade('faults', await faultsPackage('2.0.0'));
    const afterSwitch = await kernel.request<{ version: string }>('admin', 'GET', `${FAULTS_PATH}/namespaces/p/hello`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const { statuses, versions, errors } = await load.stop();
    const slowRes = await slow;
    assert.deepEqual(errors, []);
    assert.deepEqual([...statuses.keys()], [200]);
    assert.ok((statuses.get(200) ?? 0) > 10);
    assert.deepEqual([...versions].sort(), ['1.0.0', '2.0.0']);
    assert.equal(afterSwitch.body.version, '2.0.0');
    assert.equal(slowRes.status, 200);
    assert.deepEqual(await slowRes.json(), { version: '1.0.0' });
    assert.equal(kernel.runtime.status('faults').version, '2.0.0');
  });

  it('disable answers 503 naming the extension; enable serves again', async () => {
    await kernel.runtime.disable('faults');
    const res = await kernel.request<Status>('admin', 'GET', `${FAULTS_PATH}/namespaces/p/hello`);
    assert.equal(res.status, 503);
    assert.match(res.body.message, /extension "faults" is not available: it is disabled/);
    assert.equal(kernel.runtime.status('faults').conditions[0]?.reason, 'Disabled');
    await kernel.runtime.enable('faults');
    assert.equal((await kernel.request('admin', 'GET', `${FAULTS_PATH}/namespaces/p/hello`)).status, 200);
  });

  it('uninstall gives clean 404s, frees the group and kinds, and keeps data unless purged', async () => {
    await kernel.store.create({
      apiVersion: `${FAULTS_GROUP}/v1`,
      kind: 'Widget',
      metadata: { name: 'w1', namespace: 'p' },
      spec: { size: 1 },
    });
    await kernel.runtime.uninstall('faults');
    const res = await kernel.request<Status>('admin', 'GET', `${FAULTS_PATH}/namespaces/p/hello`);
    assert.equal(res.status, 404);
    assert.equal(res.body.kind, 'Status');
    assert.equal(kernel.groups.ownerOf(FAULTS_GROUP), undefined);
    assert.equal(kernel.kinds.findByPlural(FAULTS_GROUP, 'v1', 'widgets'), undefined);
    await assert.rejects(kernel.store.get({ group: 'iam.mortise.io', kind: 'RoleTemplate', name: 'widgets-manage' }));
    assert.doesNotMatch(await kernel.metrics.metrics(), /extension="faults"/);
    const kept = await kernel.store.list({ group: FAULTS_GROUP, kind: 'Widget' });
    assert.equal(kept.items.length, 1);

    await kernel.runtime.install(await faultsPackage('3.0.0'));
    await kernel.runtime.uninstall('faults', { purge: true });
    assert.equal((await kernel.store.list({ group: FAULTS_GROUP, kind: 'Widget' })).items.length, 0);
  });

  it('devloads installs and upgrades for platform admins only', async () => {
    const dir = await faultsPackage('4.0.0');
    const denied = await kernel.request('manager', 'POST', '/kapis/extensions.mortise.io/v1/devloads', {
      directory: dir,
    });
    assert.equal(denied.status, 403);
    const loaded = await kernel.request<{ status: { version: string } }>(
      'admin',
      'POST',
      '/kapis/extensions.mortise.io/v1/devloads',
      { directory: dir },
    );
    assert.equal(loaded.status, 201);
    assert.equal(loaded.body.status.version, '4.0.0');
    const again = await kernel.request<{ status: { version: string } }>(
      'admin',
      'POST',
      '/kapis/extensions.mortise.io/v1/devloads',
      { directory: await faultsPackage('4.1.0') },
    );
    assert.equal(again.body.status.version, '4.1.0');
    const bad = await kernel.request<Status>('admin', 'POST', '/kapis/extensions.mortise.io/v1/devloads', {});
    assert.equal(bad.status, 400);
  });
});
