import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { verifyPackage } from '@mortise/registry';
import { ExitCode } from '../exit-codes.js';
import { cliSandbox } from '../testing/cli-process.js';

const SAMPLE = fileURLToPath(new URL('../../../../extensions/announcements/', import.meta.url));

describe('mortise package, keygen, sign, publish (offline)', () => {
  const cli = cliSandbox();
  const work = mkdtempSync(join(tmpdir(), 'mortise-cli-package-'));
  const pkg = join(work, 'announcements-1.0.0.tgz');
  let keyId = '';
  const json = <T>(stdout: string): T => JSON.parse(stdout) as T;
  after(() => {
    cli.dispose();
    rmSync(work, { recursive: true, force: true });
  });

  before(async () => {
    const run = await cli.run(['package', SAMPLE, '--no-build', '-o', 'json'], { cwd: work });
    assert.equal(run.code, ExitCode.Ok, run.stderr);
    const packed = json<{ file: string; name: string; version: string; digest: string; files: number }>(run.stdout);
    assert.equal(packed.file, pkg, 'named after the manifest, in the current directory');
    assert.deepEqual([packed.name, packed.version], ['announcements', '1.0.0']);
    assert.match(packed.digest, /^sha256:[a-f0-9]{64}$/);
  });

  it('makes a key pair, the secret half readable by its owner only, and will not overwrite it', async () => {
    const run = await cli.run(['keygen', '--out', join(work, 'acme'), '-o', 'json']);
    assert.equal(run.code, ExitCode.Ok, run.stderr);
    const key = json<{ keyId: string; privateKeyFile: string; publicKeyFile: string }>(run.stdout);
    keyId = key.keyId;
    assert.match(keyId, /^ed25519:[a-f0-9]{32}$/);
    assert.equal(statSync(key.privateKeyFile).mode & 0o777, 0o600);
    assert.ok(!readFileSync(key.publicKeyFile, 'utf8').includes('PRIVATE'));
    assert.match(readFileSync(join(work, 'acme.pub.pem'), 'utf8'), /^-----BEGIN PUBLIC KEY-----/);
    assert.equal((await cli.run(['keygen', '--out', join(work, 'acme')])).code, ExitCode.Conflict);
  });

  it('signs a package so a kernel trusting the public key accepts it', async () => {
    const run = await cli.run(['sign', pkg, '--key', join(work, 'acme.key.json'), '-o', 'json']);
    assert.equal(run.code, ExitCode.Ok, run.stderr);
    assert.equal(json<{ keyId: string }>(run.stdout).keyId, keyId);
    const publicKey = JSON.parse(readFileSync(join(work, 'acme.pub.json'), 'utf8')) as { publicKeyPem: string };
    const verified = await verifyPackage(pkg, { trustedKeys: [publicKey], allowUnsigned: false });
    assert.equal(verified.manifest.name, 'announcements');
  });

  it('publishes to a repository directory and lists it in the index', async () => {
    const repo = join(work, 'repo');
    const run = await cli.run(['publish', pkg, '--repository', repo, '-o', 'json']);
    assert.equal(run.code, ExitCode.Ok, run.stderr);
    assert.equal(json<{ location: string }>(run.stdout).location, 'packages/announcements-1.0.0.tgz');
    const index = JSON.parse(readFileSync(join(repo, 'index.json'), 'utf8')) as {
      extensions: { name: string; versions: { version: string; publisher?: string }[] }[];
    };
    assert.deepEqual(
      index.extensions.map((e) => [e.name, e.versions.map((v) => [v.version, v.publisher])]),
      [['announcements', [['1.0.0', keyId]]]],
    );
    assert.equal(
      (await cli.run(['publish', pkg, '--repository', repo])).code,
      ExitCode.Ok,
      'the same bytes again are a no-op',
    );
  });

  it('explains what is wrong, with an exit code that says it', async () => {
    const missing = await cli.run(['sign', join(work, 'nope.tgz'), '--key', join(work, 'acme.key.json')]);
    assert.equal(missing.code, ExitCode.NotFound);
    assert.equal((await cli.run(['sign', pkg])).code, ExitCode.Usage, '--key is required');
    assert.equal((await cli.run(['publish', pkg])).code, ExitCode.Usage, 'neither --repository nor --kernel');
    const notProject = await cli.run(['package', work]);
    assert.equal(notProject.code, ExitCode.NotFound);
    assert.match(notProject.stderr, /has no extension.yaml/);
    const garbage = join(work, 'garbage.tgz');
    writeFileSync(garbage, 'not a tarball');
    const refused = await cli.run(['publish', garbage, '--repository', join(work, 'repo')]);
    assert.notEqual(refused.code, ExitCode.Ok);
    assert.match(refused.stderr, /^error: Invalid: .+\n$/);
  });
});
