import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeExtensionPackage } from '@mortise/runtime';
import { passwordLogin, TEST_ADMIN_PASSWORD, type CallResult } from '../testing/kernel-fixture.js';
import { startKernelProcess, type KernelProcess } from '../testing/kernel-process.js';
import { INSTALL_PLANS, PROBE_PATH, planBody, probeManifest } from '../testing/extension-catalog.js';

const MAIN = new URL('../main.js', import.meta.url).pathname;
const PROBE_ENTRY = new URL('../testing/fixtures/probe.extension.js', import.meta.url);
/** Each boot of the probe takes this long, so a kill lands inside Installing or Upgrading. */
const SLOW_START_MS = 1500;

/**
 * kill -9 in the middle of an install and of an upgrade, on the sqlite
 * store: the restarted kernel resumes the plan and ends consistent (the
 * extension serves the planned version, its objects exist exactly once).
 */
describe('InstallPlans survive a killed kernel', () => {
  let dataDir: string;
  let kernel: KernelProcess | undefined;
  let token = '';

  const start = async () => {
    kernel = await startKernelProcess([MAIN], {
      env: {
        MORTISE_STORE: 'sqlite',
        MORTISE_DATA_DIR: dataDir,
        MORTISE_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
        MORTISE_LOG_LEVEL: 'info',
      },
      timeoutMs: 30_000,
    });
    token = await passwordLogin(kernel.url, 'admin', TEST_ADMIN_PASSWORD);
  };
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(kernel!.url + path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined
          ? { 'content-type': method === 'PATCH' ? 'application/merge-patch+json' : 'application/json' }
          : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    const result: CallResult = {
      status: res.status,
      headers: res.headers,
      text,
      body: text ? JSON.parse(text) : undefined,
    };
    return result;
  };
  const killHard = async () => {
    const exited = once(kernel!.child, 'exit');
    kernel!.child.kill('SIGKILL');
    await exited;
  };
  const waitForState = async (states: string[], timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const res = await call('GET', `${INSTALL_PLANS}/probe`);
      if (states.includes(res.body?.status?.state)) return res;
      if (Date.now() > deadline) throw new Error(`plan not in ${states.join('/')}: ${res.text}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const release = async (version: string) => {
    const manifest = probeManifest('probe', version);
    const directory = await writeExtensionPackage(manifest, PROBE_ENTRY);
    const res = await call('POST', '/kapis/extensions.mortise.io/v1/extensionversions', {
      metadata: { name: `probe-${version}` },
      spec: { ...manifest, location: directory },
    });
    assert.equal(res.status, 201, res.text);
  };
  const assertConsistent = async (version: string) => {
    const plan = await waitForState(['Installed']);
    assert.equal(plan.body!.status.version, version);
    const ping = await call('GET', `${PROBE_PATH}/ping`);
    assert.equal(ping.status, 200, ping.text);
    assert.equal(ping.body!.version, version);
    const roles = await call(
      'GET',
      '/kapis/iam.mortise.io/v1/globalroles?labelSelector=extensions.mortise.io/extension%3Dprobe',
    );
    assert.deepEqual(
      roles.body!.items.map((r: { metadata: { name: string } }) => r.metadata.name),
      ['ext-probe'],
    );
    return plan;
  };

  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'mortise-crash-'));
  });
  after(async () => {
    if (kernel && kernel.child.exitCode === null) await kernel.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('resumes an install cut short by kill -9', async () => {
    await start();
    await release('1.0.0');
    await release('1.1.0');
    const created = await call(
      'POST',
      INSTALL_PLANS,
      planBody('probe', '1.0.0', { config: { startDelayMs: SLOW_START_MS } }),
    );
    assert.equal(created.status, 201, created.text);
    await waitForState(['Installing']);
    await killHard();
    await start();
    const plan = await assertConsistent('1.0.0');
    const states = plan.body!.status.stateHistory.map((h: { state: string }) => h.state);
    assert.ok(states.filter((s: string) => s === 'Installing').length >= 1, states.join(' '));
  });

  it('resumes an upgrade cut short by kill -9', async () => {
    const res = await call('PATCH', `${INSTALL_PLANS}/probe`, {
      spec: { extension: { name: 'probe', version: '1.1.0' } },
    });
    assert.equal(res.status, 200, res.text);
    await waitForState(['Upgrading']);
    await killHard();
    await start();
    const plan = await assertConsistent('1.1.0');
    assert.ok(plan.body!.status.stateHistory.some((h: { state: string }) => h.state === 'Upgrading'));
  });

  it('uninstalls after a restart, leaving nothing registered', async () => {
    assert.equal((await call('DELETE', `${INSTALL_PLANS}/probe`)).status, 200);
    const deadline = Date.now() + 15_000;
    while ((await call('GET', `${INSTALL_PLANS}/probe`)).status !== 404) {
      assert.ok(Date.now() < deadline, 'plan not deleted');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal((await call('GET', `${PROBE_PATH}/ping`)).status, 404);
    await kernel!.stop();
    await start();
    assert.equal((await call('GET', `${PROBE_PATH}/ping`)).status, 404);
    const roles = await call(
      'GET',
      '/kapis/iam.mortise.io/v1/globalroles?labelSelector=extensions.mortise.io/extension%3Dprobe',
    );
    assert.equal(roles.body!.items.length, 0);
  });
});
