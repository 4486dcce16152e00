import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProgram, outputFormatOf, runCli } from './cli-program.js';
import { ExitCode } from './exit-codes.js';
import { readCliConfig } from './cli-config.js';
import { parseDuration } from './install-plan-watch.js';
import { readConfigInput } from './commands/config-input.js';

const sandbox = mkdtempSync(join(tmpdir(), 'mortise-cli-spec-'));
const env = { MORTISE_CONFIG_DIR: join(sandbox, 'config') };

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const streams = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } };
  const code = await runCli(argv, { streams, env, cwd: sandbox });
  return { code, stdout, stderr };
}

describe('mortise arguments', () => {
  after(() => rmSync(sandbox, { recursive: true, force: true }));

  it('gives every command a description and help with examples', async () => {
    const { program } = buildProgram(process, env, sandbox);
    const names = program.commands.map((c) => c.name());
    for (const expected of [
      'login',
      'create',
      'dev',
      'test',
      'install',
      'upgrade',
      'uninstall',
      'enable',
      'disable',
      'list',
      'status',
      'credentials',
    ]) {
      assert.ok(names.includes(expected), `${expected} is a command`);
    }
    for (const name of names) {
      const help = await cli(name, '--help');
      assert.equal(help.code, ExitCode.Ok, name);
      assert.match(help.stdout, /Examples?:\n\s+\$ mortise /, `${name} --help shows examples`);
      assert.match(help.stdout, /--output <format>/, `${name} takes --output`);
    }
  });

  it('exits 2 on an unknown command, option or choice, naming the problem on stderr', async () => {
    const cases = [
      ['frobnicate'],
      ['list', '--frob'],
      ['list', '--output', 'yaml'],
      ['create', 'x', '--kind', 'lambda'],
      ['install'],
    ];
    for (const argv of cases) {
      const run = await cli(...argv);
      assert.equal(run.code, ExitCode.Usage, argv.join(' '));
      assert.match(run.stderr, /error: /, argv.join(' '));
      assert.equal(run.stdout, '', `${argv.join(' ')}: nothing on stdout`);
    }
  });

  it('exits 2 without a command, after the usage', async () => {
    const run = await cli();
    assert.equal(run.code, ExitCode.Usage);
    assert.match(run.stderr, /Usage: mortise/);
  });

  it('prints its version', async () => {
    const run = await cli('--version');
    assert.equal(run.code, ExitCode.Ok);
    assert.match(run.stdout, /^\d+\.\d+\.\d+/);
  });

  it('exits 3 with a hint to log in when no kernel is stored, as JSON too', async () => {
    const text = await cli('status');
    assert.equal(text.code, ExitCode.Unauthorized);
    assert.equal(text.stderr, 'error: not logged in; run `mortise login <kernel-url>` first\n');
    const json = await cli('list', '-o', 'json');
    assert.equal(json.code, ExitCode.Unauthorized);
    assert.equal(JSON.parse(json.stdout).error.exitCode, 3);
  });

  it('keeps `--version <v>` of a command apart from the program’s --version', async () => {
    const run = await cli('install', 'x', '--version', '1.0.0');
    assert.equal(run.code, ExitCode.Unauthorized, 'parsed as the install option, then refused for want of a login');
    assert.doesNotMatch(run.stdout, /^\d+\.\d+\.\d+$/m);
  });

  it('refuses a login URL that is no http(s) URL and an extension name that is no DNS label', async () => {
    assert.equal((await cli('login', 'not a url', '--api-key', 'k')).code, ExitCode.Usage);
    assert.equal((await cli('login', 'ftp://x', '--api-key', 'k')).code, ExitCode.Usage);
    assert.equal((await cli('login', 'http://127.0.0.1:9')).code, ExitCode.Usage, 'no --username nor --api-key');
    const bad = await cli('create', 'Bad_Name');
    assert.equal(bad.code, ExitCode.Usage);
    assert.match(bad.stderr, /not a valid extension name/);
  });

  it('exits 6 when the kernel cannot be reached', async () => {
    const run = await cli('login', 'http://127.0.0.1:9', '--api-key', 'mrt_x_y');
    assert.equal(run.code, ExitCode.Unreachable);
    assert.match(run.stderr, /cannot reach the kernel at http:\/\/127\.0\.0\.1:9/);
    assert.equal(
      (await readCliConfig(join(env.MORTISE_CONFIG_DIR, 'config.json'))).current,
      undefined,
      'nothing stored',
    );
  });

  it('reads --output wherever it stands on the command line', () => {
    assert.equal(outputFormatOf(['list', '-o', 'json']), 'json');
    assert.equal(outputFormatOf(['--output=json', 'list']), 'json');
    assert.equal(outputFormatOf(['list']), 'text');
  });
});

describe('option values', () => {
  it('parses durations', () => {
    assert.equal(parseDuration('90s'), 90_000);
    assert.equal(parseDuration('5m'), 300_000);
    assert.equal(parseDuration('250ms'), 250);
    assert.equal(parseDuration('2'), 2000);
    assert.throws(() => parseDuration('soon'), /not a duration/);
  });

  it('merges --set pairs into the config, typed as YAML scalars, dots for nesting', async () => {
    assert.deepEqual(await readConfigInput(undefined, ['max=5', 'name=shop', 'limits.burst=true']), {
      max: 5,
      name: 'shop',
      limits: { burst: true },
    });
    assert.equal(await readConfigInput(undefined, []), undefined);
    await assert.rejects(readConfigInput(undefined, ['novalue']), /key=value/);
  });
});
