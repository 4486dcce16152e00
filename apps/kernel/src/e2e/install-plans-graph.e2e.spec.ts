import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MemoryStore } from '@mortise/store';
import { startTestKernel, type TestKernel } from '../testing/kernel-fixture.js';
import {
  INSTALL_PLANS,
  PROBE_PATH,
  gone,
  hasCondition,
  inState,
  planBody,
  releaseProbe,
  releaseService,
  waitFor,
  waitForPlan,
} from '../testing/extension-catalog.js';

const MERGE = 'application/merge-patch+json';
const REVIEWS = '/kapis/iam.mortise.io/v1/accessreviews';

describe('InstallPlans of service extensions and dependencies', () => {
  let k: TestKernel;
  let upstream: Server;
  let upstreamUrl: string;
  const installed = inState('Installed');

  before(async () => {
    upstream = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ path: req.url, user: req.headers['x-remote-user'] }));
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    k = await startTestKernel();
    const store = k.kernel.store;
    await releaseService(
      store,
      'notes',
      '1.0.0',
      upstreamUrl,
      {
        permissions: [{ apiGroups: ['tenant.mortise.io'], resources: ['workspaces'], verbs: ['get', 'list'] }],
        jsBundles: [
          { name: 'notes', path: '/static' },
          { name: 'notes-pages', file: 'ui/index.js' },
        ],
      },
      { 'ui/index.js': 'export const notes = 1;' },
    );
    await releaseService(store, 'base', '1.0.0', upstreamUrl);
    await releaseService(store, 'base', '1.2.0', upstreamUrl);
    await releaseService(store, 'base', '2.0.0', upstreamUrl);
    await releaseService(store, 'lib', '1.0.0', upstreamUrl, { dependencies: { base: '~1.0.0' } });
    await releaseService(store, 'app', '1.0.0', upstreamUrl, { dependencies: { lib: '^1.0.0' } });
    await releaseService(store, 'modern', '1.0.0', upstreamUrl, { dependencies: { base: '^2.0.0' } });
    await releaseService(store, 'x', '1.0.0', upstreamUrl, { dependencies: { y: '^1.0.0' } });
    await releaseService(store, 'y', '1.0.0', upstreamUrl, { dependencies: { x: '^1.0.0' } });
    assert.equal(
      (
        await k.call('POST', '/kapis/tenant.mortise.io/v1/workspaces', {
          body: { metadata: { name: 'ws1' }, spec: {} },
        })
      ).status,
      201,
    );
  });
  after(async () => {
    await k.close();
    upstream.close();
  });

  const labelled = async (kind: string, group = 'extensions.mortise.io') =>
    (await k.kernel.store.list({ group, kind }, { labelSelector: 'extensions.mortise.io/extension=notes' })).items.map(
      (i) => i.metadata.name,
    );

  it('creates the gateway objects from the manifest, and the routes answer', async () => {
    assert.equal((await k.call('POST', INSTALL_PLANS, { body: planBody('notes', '1.0.0') })).status, 201);
    const plan = await waitForPlan(k, 'notes', installed);
    assert.equal(plan.body.status.backend, 'service');
    assert.deepEqual(await labelled('APIService'), ['notes']);
    assert.deepEqual(await labelled('ReverseProxy'), ['notes-ui']);
    assert.deepEqual(await labelled('JSBundle'), ['notes', 'notes-pages']);
    assert.deepEqual(await labelled('ExtensionEntry'), ['notes']);
    assert.deepEqual(await labelled('RoleTemplate', 'iam.mortise.io'), ['notes-view']);
    const proxy = await k.call('GET', '/proxy/notes/index.html');
    assert.equal(proxy.status, 200, proxy.text);
    assert.equal(proxy.body.path, '/ui/index.html');
    const api = await k.call('GET', '/kapis/notes.svc.test.mortise.io/v1/things');
    assert.equal(api.status, 200, api.text);
    assert.equal(api.body.path, '/kapis/notes.svc.test.mortise.io/v1/things');
  });

  it("serves a service extension's packaged bundle from its unpacked package", async () => {
    const served = async () => fetch(`${k.url}/dist/notes-pages/index.js`);
    await waitFor(async () => (await served()).status === 200);
    const res = await served();
    assert.equal(res.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(await res.text(), 'export const notes = 1;');
  });

  it('gives the extension its own identity with exactly the permissions it asked for, shown in the plan', async () => {
    const plan = await k.call('GET', `${INSTALL_PLANS}/notes`);
    assert.deepEqual(plan.body.status.permissions, [
      { apiGroups: ['tenant.mortise.io'], resources: ['workspaces'], verbs: ['get', 'list'] },
    ]);
    const review = (verb: string, resource = 'workspaces') =>
      k.call('POST', REVIEWS, { body: { user: 'ext:notes', verb, apiGroup: 'tenant.mortise.io', resource } });
    assert.equal((await review('list')).body.allowed, true);
    assert.equal((await review('delete')).body.allowed, false);
    assert.equal((await review('list', 'projects')).body.allowed, false);
  });

  it('answers 503 while disabled and 404 in workspaces it is not enabled in', async () => {
    await k.call('PATCH', `${INSTALL_PLANS}/notes`, { body: { spec: { enabled: false } }, contentType: MERGE });
    await waitForPlan(k, 'notes', (r) => r.body.status?.observedGeneration === r.body.metadata.generation);
    await waitFor(async () => (await k.call('GET', '/kapis/notes.svc.test.mortise.io/v1/things')).status === 503);
    await k.call('PATCH', `${INSTALL_PLANS}/notes`, {
      body: { spec: { enabled: true, workspaces: ['ws1'] } },
      contentType: MERGE,
    });
    await waitFor(
      async () => (await k.call('GET', '/kapis/notes.svc.test.mortise.io/v1/workspaces/ws1/things')).status === 200,
    );
    const other = await k.call('GET', '/kapis/notes.svc.test.mortise.io/v1/workspaces/ws9/things');
    assert.equal(other.status, 404, other.text);
  });

  it('uninstalls: gateway objects, routes and the identity go', async () => {
    assert.equal((await k.call('DELETE', `${INSTALL_PLANS}/notes`)).status, 200);
    await waitForPlan(k, 'notes', gone);
    for (const kind of ['APIService', 'ReverseProxy', 'JSBundle', 'ExtensionEntry'])
      assert.deepEqual(await labelled(kind), []);
    await waitFor(async () => (await fetch(`${k.url}/dist/notes-pages/index.js`)).status === 404);
    assert.deepEqual(await labelled('GlobalRole', 'iam.mortise.io'), []);
    await waitFor(async () => (await k.call('GET', '/kapis/notes.svc.test.mortise.io/v1/things')).status === 404);
    const review = await k.call('POST', REVIEWS, {
      body: { user: 'ext:notes', verb: 'list', apiGroup: 'tenant.mortise.io', resource: 'workspaces' },
    });
    assert.equal(review.status, 404, 'the identity is gone');
  });

  it('installs missing dependencies first, in order, each in its own InstallPlan', async () => {
    assert.equal((await k.call('POST', INSTALL_PLANS, { body: planBody('app', '1.0.0') })).status, 201);
    const app = await waitForPlan(k, 'app', installed);
    const lib = await waitForPlan(k, 'lib', installed);
    const base = await waitForPlan(k, 'base', installed);
    assert.equal(base.body.spec.extension.version, '1.0.0', 'the newest version inside ~1.0.0');
    assert.equal(lib.body.metadata.labels['extensions.mortise.io/auto-installed'], 'true');
    assert.equal(lib.body.metadata.annotations['extensions.mortise.io/required-by'], 'app');
    assert.equal(base.body.metadata.annotations['extensions.mortise.io/required-by'], 'lib', 'what asked for it');
    assert.equal(app.body.metadata.labels?.['extensions.mortise.io/auto-installed'], undefined, 'a user’s plan');
    const installedAt = (r: typeof app) =>
      Date.parse(r.body.status.stateHistory.find((h: { state: string }) => h.state === 'Installed').lastTransitionTime);
    assert.ok(installedAt(base) <= installedAt(lib) && installedAt(lib) <= installedAt(app));
  });

  it('refuses a cycle and a conflict with one message naming the chain', async () => {
    const cycle = await k.call('POST', INSTALL_PLANS, { body: planBody('x', '1.0.0') });
    assert.equal(cycle.status, 422);
    assert.match(cycle.body.message, /dependency cycle: x@1\.0\.0 → y@1\.0\.0 → x/);
    const conflict = await k.call('POST', INSTALL_PLANS, { body: planBody('modern', '1.0.0') });
    assert.equal(conflict.status, 422);
    assert.match(
      conflict.body.message,
      /dependency conflict: modern@1\.0\.0 → base@\^2\.0\.0, but base 1\.0\.0 is installed/,
    );
  });

  it('refuses to uninstall what others depend on, until forced', async () => {
    assert.equal((await k.call('DELETE', `${INSTALL_PLANS}/base`)).status, 200);
    const failed = await waitForPlan(k, 'base', inState('UninstallFailed'));
    assert.match(failed.body.status.stateHistory.at(-1).message, /lib depends on it/);
    await k.call('PATCH', `${INSTALL_PLANS}/base`, {
      body: { metadata: { annotations: { 'extensions.mortise.io/force-delete': 'true' } } },
      contentType: MERGE,
    });
    await waitForPlan(k, 'base', gone);
  });
});

describe('InstallPlan failures, retries and kernel upgrades', () => {
  const store = new MemoryStore();
  let k: TestKernel;
  before(async () => {
    k = await startTestKernel({ store, kernelVersion: '1.0.0' });
  });
  after(async () => {
    await k.close();
    await store.close();
  });

  it('fails an install with the reason, leaves nothing, and retries on the retry annotation', async () => {
    await releaseProbe(store, 'probe', '1.0.0', { kernel: '^1.0.0' });
    const version = await store.get({ group: 'extensions.mortise.io', kind: 'ExtensionVersion', name: 'probe-1.0.0' });
    const good = (version.spec as { location: string }).location;
    await store.update({ ...version, spec: { ...(version.spec as object), location: '/nonexistent/probe' } });
    assert.equal((await k.call('POST', INSTALL_PLANS, { body: planBody('probe', '1.0.0') })).status, 201);
    const failed = await waitForPlan(k, 'probe', inState('InstallFailed'));
    assert.match(failed.body.status.stateHistory.at(-1).message, /nonexistent/);
    assert.equal((await k.call('GET', `${PROBE_PATH}/ping`)).status, 404);

    const fixed = await store.get({ group: 'extensions.mortise.io', kind: 'ExtensionVersion', name: 'probe-1.0.0' });
    await store.update({ ...fixed, spec: { ...(fixed.spec as object), location: good } });
    await k.call('PATCH', `${INSTALL_PLANS}/probe`, {
      body: { metadata: { annotations: { 'extensions.mortise.io/retry': '1' } } },
      contentType: MERGE,
    });
    await waitForPlan(k, 'probe', inState('Installed'));
    assert.equal((await k.call('GET', `${PROBE_PATH}/ping`)).status, 200);
  });

  it('keeps the old version serving when an upgrade fails, and rolls forward once fixed', async () => {
    await releaseProbe(store, 'probe', '1.0.5', {
      kernel: '^1.0.0',
      configSchema: { type: 'object', properties: { failBoot: { type: 'boolean', default: true } } },
    });
    await k.call('PATCH', `${INSTALL_PLANS}/probe`, {
      body: { spec: { extension: { name: 'probe', version: '1.0.5' } } },
      contentType: MERGE,
    });
    const failed = await waitForPlan(k, 'probe', inState('UpgradeFailed'));
    assert.match(failed.body.status.stateHistory.at(-1).message, /failBoot is set/);
    assert.equal(failed.body.status.version, '1.0.0');
    assert.equal((await k.call('GET', `${PROBE_PATH}/ping`)).body.version, '1.0.0');
    await k.call('PATCH', `${INSTALL_PLANS}/probe`, {
      body: { spec: { extension: { name: 'probe', version: '1.0.0' } } },
      contentType: MERGE,
    });
    await waitForPlan(k, 'probe', (r) => inState('Installed')(r) && r.body.status.version === '1.0.0');
  });

  it('upgrades automatically to the recommended version after a sync', async () => {
    await releaseProbe(store, 'probe', '1.1.0', { kernel: '^1.0.0' });
    await k.call('PATCH', `${INSTALL_PLANS}/probe`, {
      body: { spec: { upgradeStrategy: 'Automatic' } },
      contentType: MERGE,
    });
    await store.create({
      apiVersion: 'extensions.mortise.io/v1',
      kind: 'Extension',
      metadata: { name: 'probe' },
      status: { recommendedVersion: '1.1.0' },
    });
    await store.patch(
      { group: 'extensions.mortise.io', kind: 'Extension', name: 'probe' },
      { type: 'merge', patch: { status: { recommendedVersion: '1.1.0' } } },
      { subresource: 'status' },
    );
    await waitForPlan(k, 'probe', (r) => inState('Installed')(r) && r.body.status.version === '1.1.0');
    assert.equal((await k.call('GET', `${PROBE_PATH}/ping`)).body.version, '1.1.0');
  });

  it('disables an extension a kernel upgrade leaves outside its range, naming the version that fits', async () => {
    await releaseProbe(store, 'probe', '2.0.0', { kernel: '^2.0.0' });
    await k.close();
    k = await startTestKernel({ store, kernelVersion: '2.0.0' });
    const plan = await waitForPlan(k, 'probe', hasCondition('Incompatible', 'True'));
    const condition = plan.body.status.conditions.find((c: { type: string }) => c.type === 'Incompatible');
    assert.match(
      condition.message,
      /probe 1\.1\.0 needs kernel \^1\.0\.0 but this kernel is 2\.0\.0; version 2\.0\.0 fits/,
    );
    assert.equal((await k.call('GET', `${PROBE_PATH}/ping`)).status, 404);
    const disabled = await k.call('PATCH', `${INSTALL_PLANS}/probe`, {
      body: { spec: { enabled: false } },
      contentType: MERGE,
    });
    assert.equal(disabled.status, 200, 'an installed version outside the range can still be edited');

    await k.call('PATCH', `${INSTALL_PLANS}/probe`, {
      body: { spec: { enabled: true, extension: { name: 'probe', version: '2.0.0' } } },
      contentType: MERGE,
    });
    const upgraded = await waitForPlan(k, 'probe', (r) => inState('Installed')(r) && r.body.status.version === '2.0.0');
    assert.ok(!upgraded.body.status.conditions.some((c: { type: string }) => c.type === 'Incompatible'));
    const ping = await k.call('GET', `${PROBE_PATH}/ping`);
    assert.equal(ping.body?.version, '2.0.0', `${ping.status} ${ping.text} ${JSON.stringify(upgraded.body.status)}`);
  });
});
