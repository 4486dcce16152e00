import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generatePublisherKey, packExtension, publishToRepository, signPackage } from '@mortise/registry';
import { copyExtensionPackage } from '@mortise/runtime';
import { startTestKernel, type TestKernel } from '../testing/kernel-fixture.js';
import { INSTALL_PLANS, gone, inState, planBody, waitFor, waitForPlan } from '../testing/extension-catalog.js';

const MARKETPLACE = '/kapis/extensions.mortise.io/v1/marketplace';
const INBOX = '/kapis/announcements.samples.mortise.io/v1/namespaces/shop/inbox';
const SAMPLE = fileURLToPath(new URL('../../../../extensions/announcements/', import.meta.url));

/** Packs the announcements sample as `version`, signed by a key this kernel does not trust. */
async function packUntrusted(work: string, version: string): Promise<string> {
  const source = await copyExtensionPackage(SAMPLE, version);
  const file = join(work, `announcements-${version}.tgz`);
  await packExtension(source, file);
  await signPackage(file, generatePublisherKey().privateKeyPem);
  return file;
}

/** The whole path: the seeded local repository is synced, its signed package verified, unpacked and installed. */
describe('InstallPlans from a synced repository', () => {
  let k: TestKernel;
  let dataDir: string;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mortise-install-repo-'));
    k = await startTestKernel({ config: { dataDir, registry: {} } });
    await k.call('POST', '/kapis/tenant.mortise.io/v1/workspaces', { body: { metadata: { name: 'ws' }, spec: {} } });
    await k.call('POST', '/kapis/tenant.mortise.io/v1/workspaces/ws/projects', {
      body: { metadata: { name: 'shop' }, spec: {} },
    });
  });
  after(async () => {
    await k.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('installs the signed sample, and the marketplace shows it installed', async () => {
    await waitFor(async () => (await k.call('GET', `${MARKETPLACE}/announcements`)).status === 200, 20_000);
    const created = await k.call('POST', INSTALL_PLANS, { body: planBody('announcements', '1.0.0') });
    assert.equal(created.status, 201, created.text);
    await waitForPlan(k, 'announcements', inState('Installed'));
    assert.equal((await k.call('GET', INBOX)).status, 200);
    const listed = await k.call('GET', `${MARKETPLACE}/announcements`);
    assert.equal(listed.body.installedVersion, '1.0.0');
    assert.equal(listed.body.state, 'Installed');

    assert.equal((await k.call('DELETE', `${INSTALL_PLANS}/announcements`)).status, 200);
    await waitForPlan(k, 'announcements', gone);
    assert.equal((await k.call('GET', INBOX)).status, 404);
  });

  it('refuses a package from an untrusted publisher, or one changed after publishing, and installs nothing', async () => {
    const work = await mkdtemp(join(tmpdir(), 'mortise-vendor-'));
    const repo = join(work, 'repo');
    await mkdir(repo);
    const untrusted = await publishToRepository(repo, await packUntrusted(work, '2.0.0'));
    // 2.1.0 is published, then its file is replaced: the digest in the index no longer matches.
    const swapped = await publishToRepository(repo, await packUntrusted(work, '2.1.0'));
    await copyFile(join(repo, untrusted.location), join(repo, swapped.location));
    const created = await k.call('POST', '/kapis/extensions.mortise.io/v1/repositories', {
      body: { metadata: { name: 'vendor' }, spec: { url: pathToFileURL(repo).href } },
    });
    assert.equal(created.status, 201, created.text);
    await waitFor(async () => {
      const versions = await k.call('GET', '/kapis/extensions.mortise.io/v1/extensionversions');
      const names = (versions.body.items as Array<{ metadata: { name: string } }>).map((v) => v.metadata.name);
      return names.includes('announcements-2.0.0') && names.includes('announcements-2.1.0');
    }, 20_000);

    for (const [version, reason] of [
      ['2.0.0', /not a trusted publisher key/],
      ['2.1.0', /digest/i],
    ] as const) {
      const plan = await k.call('POST', INSTALL_PLANS, { body: planBody('announcements', version) });
      assert.equal(plan.status, 201, plan.text);
      const failed = await waitForPlan(k, 'announcements', inState('InstallFailed'), 20_000);
      const installed = (failed.body.status.conditions as Array<{ type: string; message?: string }>).find(
        (c) => c.type === 'Installed',
      );
      assert.match(installed?.message ?? '', reason, JSON.stringify(failed.body.status));
      // Nothing half registered: no route, no role template, no group owner.
      assert.equal((await k.call('GET', INBOX)).status, 404);
      const template = await k.call('GET', '/kapis/iam.mortise.io/v1/roletemplates/announcements-manage');
      assert.equal(template.status, 404);
      assert.equal(k.kernel.groups.ownerOf('announcements.samples.mortise.io'), undefined);
      assert.equal((await k.call('DELETE', `${INSTALL_PLANS}/announcements`)).status, 200);
      await waitForPlan(k, 'announcements', gone);
    }
    await rm(work, { recursive: true, force: true });
  });
});
