import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { copyExtensionPackage } from '@mortise/runtime';
import { parse } from 'yaml';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startTestKernel, type TestKernel } from '../testing/kernel-fixture.js';
import {
  INSTALL_PLANS,
  PROBE_PATH,
  gone,
  hasCondition,
  inState,
  planBody,
  publishVersion,
  releaseProbe,
  waitFor,
  waitForPlan,
} from '../testing/extension-catalog.js';

const SAMPLE = fileURLToPath(new URL('../../../../extensions/announcements/', import.meta.url));
const ANNOUNCEMENTS = '/kapis/announcements.samples.mortise.io/v1';

async function releaseSample(k: TestKernel, version: string): Promise<void> {
  const directory = await copyExtensionPackage(SAMPLE, version);
  const manifest = parse(await readFile(join(directory, 'extension.yaml'), 'utf8')) as Record<string, unknown>;
  await publishVersion(k.kernel.store, manifest, directory);
}

/** The body of a public URL once it answers 200 (the gateway follows the store's watch). */
async function waitForOk(url: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(url);
    if (res.ok) return res.text();
    if (attempt > 100) assert.fail(`${url} answered ${res.status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('InstallPlan lifecycle of an in-process extension', () => {
  let k: TestKernel;
  const installed = inState('Installed');

  before(async () => {
    k = await startTestKernel();
    await releaseSample(k, '1.0.0');
    await releaseSample(k, '1.1.0');
    await k.kernel.store.create({
      apiVersion: 'extensions.mortise.io/v1',
      kind: 'Extension',
      metadata: { name: 'announcements' },
      spec: { displayName: 'Announcements' },
    });
    for (const [workspace, project] of [
      ['ws1', 'shop'],
      ['ws2', 'lab'],
    ] as const) {
      assert.equal(
        (
          await k.call('POST', '/kapis/tenant.mortise.io/v1/workspaces', {
            body: { metadata: { name: workspace }, spec: {} },
          })
        ).status,
        201,
      );
      const res = await k.call('POST', `/kapis/tenant.mortise.io/v1/workspaces/${workspace}/projects`, {
        body: { metadata: { name: project }, spec: {} },
      });
      assert.equal(res.status, 201, res.text);
    }
  });
  after(() => k.close());

  const menuNames = async (project: string): Promise<string[]> => {
    const res = await k.call('GET', `/kapis/extensions.mortise.io/v1/menus?project=${project}`);
    assert.equal(res.status, 200, res.text);
    return (res.body.items as Array<{ name: string }>).map((i) => i.name);
  };
  const inbox = async (project = 'shop') => k.call('GET', `${ANNOUNCEMENTS}/namespaces/${project}/inbox`);

  it('installs on create: the route answers, the Extension mirrors it, the history shows the states', async () => {
    assert.equal((await inbox()).status, 404);
    const created = await k.call('POST', INSTALL_PLANS, { body: planBody('announcements', '1.0.0') });
    assert.equal(created.status, 201, created.text);
    const plan = await waitForPlan(k, 'announcements', installed);
    assert.equal(plan.body.status.version, '1.0.0');
    assert.equal(plan.body.status.backend, 'module');
    assert.deepEqual(plan.body.metadata.finalizers, ['extensions.mortise.io/uninstall']);
    assert.deepEqual(
      plan.body.status.stateHistory.map((h: { state: string }) => h.state),
      ['Pending', 'Downloading', 'Installing', 'Installed'],
    );
    const posted = await k.call('POST', `${ANNOUNCEMENTS}/namespaces/shop/broadcasts`, { body: { title: 'Freeze' } });
    assert.equal(posted.status, 201, posted.text);
    assert.equal((await inbox()).status, 200);
    const extension = await k.call('GET', '/kapis/extensions.mortise.io/v1/extensions/announcements');
    assert.equal(extension.body.status.installedVersion, '1.0.0');
    assert.equal(extension.body.status.state, 'Installed');
    // Its frontend bundle is published and served from the installed package.
    const bundle = await k.call('GET', '/kapis/extensions.mortise.io/v1/jsbundles/announcements');
    assert.equal(bundle.status, 200, bundle.text);
    assert.equal(bundle.body.spec.file, 'ui/index.js');
    const script = await waitForOk(`${k.url}/dist/announcements/index.js`);
    assert.equal(script, await readFile(join(SAMPLE, 'ui/index.js'), 'utf8'));
  });

  it('upgrades when spec.extension.version changes', async () => {
    const res = await k.call('PATCH', `${INSTALL_PLANS}/announcements`, {
      body: { spec: { extension: { name: 'announcements', version: '1.1.0' } } },
      contentType: 'application/merge-patch+json',
    });
    assert.equal(res.status, 200, res.text);
    const plan = await waitForPlan(k, 'announcements', (r) => installed(r) && r.body.status.version === '1.1.0');
    assert.ok(plan.body.status.stateHistory.some((h: { state: string }) => h.state === 'Upgrading'));
    assert.equal(k.kernel.extensions.status('announcements').version, '1.1.0');
    assert.equal((await inbox()).body.items.length, 1);
  });

  it('answers 503 while disabled and serves again once enabled', async () => {
    const patch = (enabled: boolean) =>
      k.call('PATCH', `${INSTALL_PLANS}/announcements`, {
        body: { spec: { enabled } },
        contentType: 'application/merge-patch+json',
      });
    assert.equal((await patch(false)).status, 200);
    await waitForPlan(k, 'announcements', hasCondition('Enabled', 'False'));
    assert.equal((await inbox()).status, 503);
    assert.equal((await patch(true)).status, 200);
    await waitForPlan(k, 'announcements', hasCondition('Enabled', 'True'));
    assert.equal((await inbox()).status, 200);
  });

  it('answers 404 in workspaces it is not enabled in, for projects too', async () => {
    const res = await k.call('PATCH', `${INSTALL_PLANS}/announcements`, {
      body: { spec: { workspaces: ['ws1'] } },
      contentType: 'application/merge-patch+json',
    });
    assert.equal(res.status, 200, res.text);
    await waitForPlan(k, 'announcements', (r) => r.body.status?.observedGeneration === r.body.metadata.generation);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal((await inbox('shop')).status, 200);
    const elsewhere = await inbox('lab');
    assert.equal(elsewhere.status, 404, elsewhere.text);
    assert.match(elsewhere.body.message, /not enabled in workspace "ws2"/);
    // Its menu entry shows only where it is enabled.
    assert.deepEqual(await menuNames('shop'), ['project-announcements']);
    assert.deepEqual(await menuNames('lab'), []);
    await k.call('PATCH', `${INSTALL_PLANS}/announcements`, {
      body: { spec: { workspaces: null } },
      contentType: 'application/merge-patch+json',
    });
    await waitForPlan(k, 'announcements', (r) => r.body.status?.observedGeneration === r.body.metadata.generation);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal((await inbox('lab')).status, 200);
    assert.deepEqual(await menuNames('lab'), ['project-announcements']);
  });

  it('uninstalls on delete (route gone, data kept), reinstalls, and purges on request', async () => {
    assert.equal((await k.call('DELETE', `${INSTALL_PLANS}/announcements`)).status, 200);
    await waitForPlan(k, 'announcements', gone);
    assert.equal((await inbox()).status, 404);
    const extension = await k.call('GET', '/kapis/extensions.mortise.io/v1/extensions/announcements');
    assert.equal(extension.body.status?.installedVersion, undefined);
    const kept = await k.kernel.store.list({ group: 'announcements.samples.mortise.io', kind: 'Announcement' });
    assert.equal(kept.items.length, 1);

    assert.equal((await k.call('POST', INSTALL_PLANS, { body: planBody('announcements', '1.1.0') })).status, 201);
    await waitForPlan(k, 'announcements', installed);
    assert.equal((await inbox()).body.items[0].title, 'Freeze');

    assert.equal((await k.call('DELETE', `${INSTALL_PLANS}/announcements?purge=true`)).status, 200);
    await waitForPlan(k, 'announcements', gone);
    const purged = await k.kernel.store.list({ group: 'announcements.samples.mortise.io', kind: 'Announcement' });
    assert.equal(purged.items.length, 0);
    const templates = await k.kernel.store.list(
      { group: 'iam.mortise.io', kind: 'RoleTemplate' },
      { labelSelector: 'extensions.mortise.io/extension=announcements' },
    );
    assert.equal(templates.items.length, 0);
  });
});

describe('InstallPlan admission', () => {
  let k: TestKernel;
  before(async () => {
    k = await startTestKernel();
    await releaseProbe(k.kernel.store, 'probe', '1.0.0');
    await releaseProbe(k.kernel.store, 'future', '2.0.0', { kernel: '>=99.0.0' });
    await releaseProbe(k.kernel.store, 'future', '1.0.0');
  });
  after(() => k.close());

  it('refuses a config that does not match configSchema with 422, and installs nothing', async () => {
    const res = await k.call('POST', INSTALL_PLANS, {
      body: planBody('probe', '1.0.0', { config: { startDelayMs: -1 } }),
    });
    assert.equal(res.status, 422, res.text);
    assert.equal(res.body.reason, 'Invalid');
    assert.ok(res.body.details.causes.some((c: { field: string }) => c.field === 'spec.config.startDelayMs'));
    assert.equal((await k.call('GET', `${INSTALL_PLANS}/probe`)).status, 404);
    assert.equal((await k.call('GET', `${PROBE_PATH}/ping`)).status, 404);
  });

  it('refuses a version outside the kernel range, naming the version that fits', async () => {
    const res = await k.call('POST', INSTALL_PLANS, { body: planBody('future', '2.0.0') });
    assert.equal(res.status, 422, res.text);
    assert.match(
      res.body.message,
      /future 2\.0\.0 needs kernel >=99\.0\.0 but this kernel is .*; version 1\.0\.0 fits/,
    );
  });

  it('refuses an unknown version and a plan not named after its extension', async () => {
    const unknown = await k.call('POST', INSTALL_PLANS, { body: planBody('probe', '9.9.9') });
    assert.equal(unknown.status, 422);
    assert.match(unknown.body.message, /no version 9\.9\.9; .* 1\.0\.0/);
    const misnamed = await k.call('POST', INSTALL_PLANS, {
      body: { metadata: { name: 'other' }, spec: { extension: { name: 'probe', version: '1.0.0' } } },
    });
    assert.equal(misnamed.status, 422);
  });

  it('keeps write-only config encrypted in the store and out of every response, and hands it to the extension', async () => {
    const watch = await k.watch(`${INSTALL_PLANS}?watch=true`);
    const created = await k.call('POST', INSTALL_PLANS, {
      body: planBody('probe', '1.0.0', { config: { token: 's3cret-token', startDelayMs: 0 } }),
    });
    assert.equal(created.status, 201, created.text);
    assert.doesNotMatch(created.text, /s3cret/);
    const plan = await waitForPlan(k, 'probe', inState('Installed'));
    assert.deepEqual(plan.body.spec.config, { startDelayMs: 0 });
    assert.deepEqual(plan.body.status.secretConfig, ['token']);
    const list = await k.call('GET', INSTALL_PLANS);
    assert.doesNotMatch(list.text, /s3cret/);
    for (let i = 0; i < 3; i++) assert.doesNotMatch(JSON.stringify(await watch.next()), /s3cret/);
    watch.close();
    const secret = await k.kernel.store.get({
      group: 'extensions.mortise.io',
      kind: 'InstallPlanSecret',
      name: 'probe',
    });
    const sealed = (secret.spec as { values: Record<string, string> }).values['token'];
    assert.match(sealed, /^enc:v1:/);
    assert.doesNotMatch(JSON.stringify(secret), /s3cret/);
    assert.equal((await k.call('GET', '/kapis/extensions.mortise.io/v1/installplansecrets/probe')).status, 404);
    const ping = await k.call('GET', `${PROBE_PATH}/ping`);
    assert.equal(ping.status, 200, ping.text);
    assert.deepEqual(ping.body, { version: '1.0.0', tokenLength: 's3cret-token'.length });

    // A new token alone (nothing else in the spec changes) reaches the extension; leaving it out keeps it.
    const current = await k.call('GET', `${INSTALL_PLANS}/probe`);
    const updated = await k.call('PUT', `${INSTALL_PLANS}/probe`, {
      body: {
        ...current.body,
        spec: { ...current.body.spec, config: { startDelayMs: 0, token: 'longer-s3cret-token' } },
      },
    });
    assert.equal(updated.status, 200, updated.text);
    assert.doesNotMatch(updated.text, /s3cret/);
    await waitFor(
      async () => (await k.call('GET', `${PROBE_PATH}/ping`)).body?.tokenLength === 'longer-s3cret-token'.length,
    );
    const again = await k.call('GET', `${INSTALL_PLANS}/probe`);
    const kept = await k.call('PUT', `${INSTALL_PLANS}/probe`, {
      body: { ...again.body, spec: { ...again.body.spec, config: { startDelayMs: 0 } } },
    });
    assert.equal(kept.status, 200, kept.text);
    await waitForPlan(k, 'probe', (r) => r.body.status?.observedGeneration === r.body.metadata.generation);
    assert.equal((await k.call('GET', `${PROBE_PATH}/ping`)).body.tokenLength, 'longer-s3cret-token'.length);
  });
});
