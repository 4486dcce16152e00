import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TEST_ADMIN_PASSWORD, startTestKernel, type TestKernel } from '@mortise/kernel';
import { ExitCode } from '../exit-codes.js';
import { cliSandbox, ensureSdkTarballs, type CliRun } from '../testing/cli-process.js';

const exec = promisify(execFile);
const OFFLINE = process.env.MORTISE_TEST_OFFLINE === '1' ? 'MORTISE_TEST_OFFLINE=1: no npm registry' : false;
const GREETINGS = '/kapis/greeter.extensions.example.com/v1/greetings';
const MARKETPLACE = '/kapis/extensions.mortise.io/v1/marketplace';

/**
 * An extension's whole life through the CLI alone, against a running kernel
 * (its own registry: repository sync, verified package store) that trusts
 * only the author's key: create → test → package → sign →
 * publish → install → call → upgrade → uninstall.
 */
describe('mortise: from a new project to an upgraded and removed extension', () => {
  const cli = cliSandbox();
  const work = mkdtempSync(join(tmpdir(), 'mortise-cli-flow-'));
  const project = join(work, 'greeter');
  let k: TestKernel;
  /** What the kernel lacks for this flow, if anything (then the test says so and skips). */
  let missing: string | undefined;

  const ok = async (args: string[], cwd = work): Promise<CliRun> => {
    const run = await cli.run(args, { cwd, timeoutMs: 180_000 });
    assert.equal(run.code, ExitCode.Ok, `mortise ${args.join(' ')}: ${run.stderr}`);
    return run;
  };
  const release = async (version: string, { sign = true } = {}): Promise<void> => {
    const manifest = join(project, 'extension.yaml');
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace(/^version: .*$/m, `version: ${version}`));
    await ok(['package', project]);
    if (sign) await ok(['sign', `greeter-${version}.tgz`, '--key', 'author.key.json']);
    await ok(['publish', `greeter-${version}.tgz`, '--kernel', '--repository-dir', join(work, 'repository')]);
  };

  before(async () => {
    ensureSdkTarballs();
    // The author's key exists first: the kernel is configured to trust it, and only it.
    await ok(['keygen', '--out', 'author']);
    const author = JSON.parse(readFileSync(join(work, 'author.pub.json'), 'utf8')) as { publicKeyPem: string };
    k = await startTestKernel({
      config: {
        dataDir: join(work, 'data'),
        registry: { localRepository: false, trustedKeys: [{ name: 'author', publicKeyPem: author.publicKeyPem }] },
      },
    });
    if ((await k.call('GET', MARKETPLACE)).status === 404) {
      missing = 'the kernel syncs no repositories and serves no marketplace (the registry module)';
    }
  });

  after(async () => {
    cli.dispose();
    await k.close();
    rmSync(work, { recursive: true, force: true });
  });

  it(
    'creates, tests, packages, signs, publishes, installs, calls, upgrades and uninstalls',
    { skip: OFFLINE, timeout: 420_000 },
    async (t) => {
      if (missing) return t.skip(missing);
      const login = await cli.run(['login', k.url, '-u', 'admin'], { env: { MORTISE_PASSWORD: TEST_ADMIN_PASSWORD } });
      assert.equal(login.code, ExitCode.Ok, login.stderr);

      await ok(['create', 'greeter']);
      await exec('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: project, timeout: 180_000 });
      await ok(['test', project]);
      await release('0.1.0');

      const listed = JSON.parse((await ok(['list', '-o', 'json'])).stdout) as {
        items: { name: string; recommendedVersion?: string }[];
      };
      assert.deepEqual(
        listed.items.filter((i) => i.name === 'greeter').map((i) => i.recommendedVersion),
        ['0.1.0'],
      );

      const install = await ok(['install', 'greeter']);
      assert.match(install.stderr, /greeter: Installed/);
      const first = await k.call('GET', GREETINGS);
      assert.equal(first.status, 200, first.text);
      assert.deepEqual(first.body, { message: 'Hello, admin!', servedBy: '0.1.0' });

      await release('0.2.0');
      await ok(['upgrade', 'greeter', '--version', '0.2.0']);
      assert.equal((await k.call('GET', GREETINGS)).body.servedBy, '0.2.0');

      // A version nobody signed is published, but the kernel will not run it: the upgrade fails, 0.2.0 keeps serving.
      await release('0.3.0', { sign: false });
      const unsigned = await cli.run(['upgrade', 'greeter', '--version', '0.3.0', '--timeout', '60s']);
      assert.equal(unsigned.code, ExitCode.Failed, unsigned.stderr);
      assert.match(unsigned.stderr, /^error: greeter: UpgradeFailed: .*(unsigned|not signed|trusted)/im);
      assert.equal((await k.call('GET', GREETINGS)).body.servedBy, '0.2.0');

      await ok(['uninstall', 'greeter']);
      assert.equal((await k.call('GET', GREETINGS)).status, 404);
      assert.equal((await cli.run(['status', 'greeter'])).code, ExitCode.NotFound);
    },
  );
});
