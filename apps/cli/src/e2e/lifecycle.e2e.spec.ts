import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { TEST_ADMIN_PASSWORD, startTestKernel, type TestKernel } from '@mortise/kernel';
import { ExitCode } from '../exit-codes.js';
import { CLI_MAIN, cliSandbox } from '../testing/cli-process.js';

const SAMPLE = fileURLToPath(new URL('../../../../extensions/announcements/', import.meta.url));
const INBOX = '/kapis/announcements.samples.mortise.io/v1/namespaces/shop/inbox';
const DEVLOADS = '/kapis/extensions.mortise.io/v1/devloads';
const PLANS = '/kapis/extensions.mortise.io/v1/installplans';
const AUTO = 'extensions.mortise.io/auto-installed';

/** A copy of the built sample with another version in its manifest. */
async function sampleCopy(version: string): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), `mortise-cli-sample-${version}-`));
  await cp(join(SAMPLE, 'dist'), join(directory, 'dist'), { recursive: true });
  const manifest = parse(await readFile(join(SAMPLE, 'extension.yaml'), 'utf8')) as Record<string, unknown>;
  await writeFile(join(directory, 'extension.yaml'), stringify({ ...manifest, version }));
  return directory;
}

/** Publishes a version as repository sync would: an ExtensionVersion whose location is an unpacked directory. */
async function release(k: TestKernel, version: string, location?: string): Promise<void> {
  const directory = location ?? (await sampleCopy(version));
  const manifest = parse(await readFile(join(SAMPLE, 'extension.yaml'), 'utf8')) as Record<string, unknown>;
  await k.kernel.store.create({
    apiVersion: 'extensions.mortise.io/v1',
    kind: 'ExtensionVersion',
    metadata: { name: `announcements-${version}` },
    spec: { ...manifest, version, location: directory },
  });
}

describe('mortise lifecycle commands through InstallPlans', () => {
  let k: TestKernel;
  const cli = cliSandbox();

  before(async () => {
    k = await startTestKernel({ config: { devLoads: true } });
    await release(k, '1.0.0');
    await release(k, '1.1.0');
    await release(k, '2.0.0', join(tmpdir(), 'mortise-cli-no-such-package'));
    await k.kernel.store.create({
      apiVersion: 'extensions.mortise.io/v1',
      kind: 'Extension',
      metadata: { name: 'announcements' },
      spec: { displayName: 'Announcements' },
      status: { versions: [{ version: '1.0.0' }, { version: '1.1.0' }], recommendedVersion: '1.1.0' },
    });
    const ws = await k.call('POST', '/kapis/tenant.mortise.io/v1/workspaces', {
      body: { metadata: { name: 'ws1' }, spec: {} },
    });
    assert.equal(ws.status, 201, ws.text);
    const project = await k.call('POST', '/kapis/tenant.mortise.io/v1/workspaces/ws1/projects', {
      body: { metadata: { name: 'shop' }, spec: {} },
    });
    assert.equal(project.status, 201, project.text);
    const login = await cli.run(['login', k.url, '-u', 'admin'], { env: { MORTISE_PASSWORD: TEST_ADMIN_PASSWORD } });
    assert.equal(login.code, ExitCode.Ok, login.stderr);
  });
  after(async () => {
    cli.dispose();
    await k.close();
  });

  it('installs a version and waits for Installed, showing the states on stderr', async () => {
    const run = await cli.run(['install', 'announcements', '--version', '1.0.0', '--set', 'maxActivePerProject=3']);
    assert.equal(run.code, ExitCode.Ok, run.stderr);
    assert.equal(run.stdout, 'announcements 1.0.0 installed.\n');
    assert.match(
      run.stderr,
      /announcements: Pending\nannouncements: Downloading.*\nannouncements: Installing.*\nannouncements: Installed/,
    );
    const inbox = await k.call('GET', INBOX);
    assert.equal(inbox.status, 200, inbox.text);
    assert.equal(inbox.body.servedBy, '1.0.0');
  });

  it('refuses a second install with exit 5, pointing at upgrade', async () => {
    const run = await cli.run(['install', 'announcements', '--version', '1.1.0']);
    assert.equal(run.code, ExitCode.Conflict);
    assert.match(run.stderr, /already installed; use `mortise upgrade announcements`/);
  });

  it('upgrades to the recommended version and reports the plan as JSON', async () => {
    const run = await cli.run(['upgrade', 'announcements', '-o', 'json']);
    assert.equal(run.code, ExitCode.Ok, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), {
      name: 'announcements',
      version: '1.1.0',
      enabled: true,
      state: 'Installed',
    });
    assert.equal((await k.call('GET', INBOX)).body.servedBy, '1.1.0');
    const status = await cli.run(['status', 'announcements']);
    assert.match(status.stdout, /Serving: +1\.1\.0/);
    assert.match(status.stdout, /State: +Installed/);
  });

  it('disables and enables it', async () => {
    assert.equal((await cli.run(['disable', 'announcements'])).code, ExitCode.Ok);
    assert.notEqual((await k.call('GET', INBOX)).status, 200);
    const listed = JSON.parse((await cli.run(['status', '-o', 'json'])).stdout) as { extensions: unknown[] };
    assert.deepEqual(listed.extensions, [
      { name: 'announcements', version: '1.1.0', enabled: false, state: 'Installed' },
    ]);
    assert.equal((await cli.run(['enable', 'announcements'])).code, ExitCode.Ok);
    assert.equal((await k.call('GET', INBOX)).status, 200);
  });

  it('uninstalls it and waits until the plan is gone', async () => {
    const run = await cli.run(['uninstall', 'announcements', '--purge']);
    assert.equal(run.code, ExitCode.Ok, run.stderr);
    assert.equal(run.stdout, 'announcements uninstalled.\n');
    assert.equal((await k.call('GET', INBOX)).status, 404);
    assert.equal((await cli.run(['status', 'announcements'])).code, ExitCode.NotFound);
  });

  it('makes a dependency the kernel installed for another extension explicitly installed', async () => {
    await k.kernel.store.create({
      apiVersion: 'extensions.mortise.io/v1',
      kind: 'ExtensionVersion',
      metadata: { name: 'board-1.0.0' },
      spec: {
        name: 'board',
        version: '1.0.0',
        dependencies: { announcements: '^1.0.0' },
        backend: { type: 'service', service: { url: 'http://127.0.0.1:9' } },
        // Its own install fails; its plan stays and keeps needing announcements.
        location: join(tmpdir(), 'mortise-cli-no-such-package'),
      },
    });
    const board = { metadata: { name: 'board' }, spec: { extension: { name: 'board', version: '1.0.0' } } };
    assert.equal((await k.call('POST', PLANS, { body: board })).status, 201);
    // The kernel creates the dependency's plan, marked as auto-installed.
    const deadline = Date.now() + 15_000;
    while ((await k.call('GET', `${PLANS}/announcements`)).body?.metadata?.labels?.[AUTO] !== 'true') {
      assert.ok(Date.now() < deadline, 'no auto-installed plan for announcements');
      await new Promise((r) => setTimeout(r, 25));
    }
    const run = await cli.run(['install', 'announcements']);
    assert.equal(run.code, ExitCode.Ok, run.stderr);
    assert.match(run.stdout, /announcements was installed automatically for board; it is now installed explicitly/);
    assert.equal((await k.call('DELETE', `${PLANS}/board`)).status, 200);
    await k.kernel.installPlans.settled();
    const kept = await k.call('GET', `${PLANS}/announcements`);
    assert.equal(kept.status, 200, 'board gone, announcements stays');
    assert.equal(kept.body.metadata.deletionTimestamp, undefined);
    assert.equal((await cli.run(['uninstall', 'announcements', '--timeout', '30s'])).code, ExitCode.Ok);
  });

  it('fails with the plan’s reason when the install fails', async () => {
    const run = await cli.run(['install', 'announcements', '--version', '2.0.0', '--timeout', '30s']);
    assert.equal(run.code, ExitCode.Failed, run.stderr);
    assert.match(run.stderr, /^error: announcements: InstallFailed: .+$/m);
    const again = await cli.run(['install', 'announcements', '--version', '1.0.0']);
    assert.equal(again.code, ExitCode.Conflict);
    assert.match(again.stderr, /already has an InstallPlan in state InstallFailed/);
    assert.equal((await cli.run(['uninstall', 'announcements', '--timeout', '30s'])).code, ExitCode.Ok);
  });

  it('loads a working directory with dev and reloads it when it changes', async () => {
    const directory = await sampleCopy('3.0.0');
    const child = spawn(process.execPath, [CLI_MAIN, 'dev', directory, '--no-build'], {
      env: { ...process.env, MORTISE_CONFIG_DIR: cli.configDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const until = async (what: () => boolean | Promise<boolean>, label: string): Promise<void> => {
      const deadline = Date.now() + 20_000;
      while (!(await what())) {
        if (Date.now() > deadline) throw new Error(`${label}; dev said: ${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    try {
      await until(() => stderr.includes('watching for changes'), 'dev did not start watching');
      assert.equal((await k.call('GET', INBOX)).body.servedBy, '3.0.0');
      const manifest = parse(await readFile(join(directory, 'extension.yaml'), 'utf8')) as Record<string, unknown>;
      await writeFile(join(directory, 'extension.yaml'), stringify({ ...manifest, version: '3.0.1' }));
      await until(async () => (await k.call('GET', INBOX)).body?.servedBy === '3.0.1', 'the change was not reloaded');
    } finally {
      child.kill('SIGINT');
    }
    assert.equal(await exited, ExitCode.Ok, stderr);
    assert.deepEqual((await k.call('GET', DEVLOADS)).body.items, [], 'Ctrl-C unloads it');
  });
});
