import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestKernel, type TestKernel } from '../testing/kernel-fixture.js';
import { INSTALL_PLANS, gone, inState, planBody, waitFor, waitForPlan } from '../testing/extension-catalog.js';

const MARKETPLACE = '/kapis/extensions.mortise.io/v1/marketplace';
const INBOX = '/kapis/announcements.samples.mortise.io/v1/namespaces/shop/inbox';

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
});
