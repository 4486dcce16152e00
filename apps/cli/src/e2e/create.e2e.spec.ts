import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ExitCode } from '../exit-codes.js';
import { cliSandbox, ensureSdkTarballs } from '../testing/cli-process.js';

const exec = promisify(execFile);
/**
 * The scaffold's `npm install` fetches Nest, TypeScript and the rest from the
 * npm registry. Only this variable skips it (on a machine without the
 * registry); a failing install is a failing test, not a skip.
 */
const OFFLINE = process.env.MORTISE_TEST_OFFLINE === '1' ? 'MORTISE_TEST_OFFLINE=1: no npm registry' : false;
const INSTALL_TIMEOUT_MS = 240_000;

describe('mortise create', () => {
  const cli = cliSandbox();
  const work = mkdtempSync(join(tmpdir(), 'mortise-cli-create-'));
  before(() => ensureSdkTarballs());
  after(() => {
    cli.dispose();
    rmSync(work, { recursive: true, force: true });
  });

  it('lays out a project that depends on the shipped SDK tarballs', async () => {
    const run = await cli.run(['create', 'hello-world', '-o', 'json'], { cwd: work });
    assert.equal(run.code, ExitCode.Ok, run.stderr);
    const created = JSON.parse(run.stdout) as { directory: string; files: string[] };
    assert.deepEqual(created.files, [
      '.gitignore',
      'README.md',
      'extension.yaml',
      'package.json',
      'src/hello-world.module.ts',
      'src/hello-world.test.ts',
      'src/index.ts',
      'tsconfig.json',
      'vendor/',
    ]);
    const pkg = JSON.parse(readFileSync(join(created.directory, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    assert.equal(pkg.devDependencies['@mortise/sdk'], 'file:vendor/mortise-sdk-0.1.0.tgz');
    assert.equal(pkg.devDependencies['@mortise/sdk-testing'], 'file:vendor/mortise-sdk-testing-0.1.0.tgz');
    assert.match(
      readFileSync(join(created.directory, 'extension.yaml'), 'utf8'),
      /group: hello-world\.extensions\.example\.com/,
    );
    const again = await cli.run(['create', 'hello-world'], { cwd: work });
    assert.equal(again.code, ExitCode.Conflict, 'an existing non-empty directory is left alone');
  });

  for (const kind of ['module', 'service'] as const) {
    it(
      `scaffolds a ${kind} extension whose npm install && npm test pass`,
      { skip: OFFLINE, timeout: INSTALL_TIMEOUT_MS },
      async () => {
        const name = `${kind}-sample`;
        const run = await cli.run(['create', name, '--kind', kind], { cwd: work });
        assert.equal(run.code, ExitCode.Ok, run.stderr);
        const directory = join(work, name);
        await exec('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
          cwd: directory,
          timeout: INSTALL_TIMEOUT_MS - 60_000,
        });
        const test = await cli.run(['test', directory, '-o', 'json'], { timeoutMs: 60_000 });
        assert.equal(test.code, ExitCode.Ok, test.stderr);
        assert.deepEqual(JSON.parse(test.stdout), { directory, passed: true });
        // TAP on Node 20, the spec reporter on Node 22+ (both name the counts).
        assert.match(test.stderr, /(?:# |ℹ )pass 2\n(?:# |ℹ )fail 0/);
      },
    );
  }
});
