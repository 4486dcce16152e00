import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { configDirectory, configFilePath, readCliConfig, writeCliConfig } from './cli-config.js';
import { CliError, ExitCode } from './exit-codes.js';

describe('cli config file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mortise-config-spec-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('lives in $MORTISE_CONFIG_DIR, else $XDG_CONFIG_HOME/mortise, else ~/.config/mortise', () => {
    assert.equal(configDirectory({ MORTISE_CONFIG_DIR: '/x/y', XDG_CONFIG_HOME: '/xdg' }), '/x/y');
    assert.equal(configDirectory({ XDG_CONFIG_HOME: '/xdg' }), '/xdg/mortise');
    assert.equal(configDirectory({}), join(homedir(), '.config', 'mortise'));
    assert.equal(configFilePath({ MORTISE_CONFIG_DIR: '/x' }), '/x/config.json');
  });

  it('reads as empty when there is no file yet', async () => {
    assert.deepEqual(await readCliConfig(join(dir, 'missing', 'config.json')), {});
  });

  it('is written readable by its owner only, in a directory only the owner may enter', async () => {
    const file = join(dir, 'nested', 'config.json');
    const current = { server: 'http://k', type: 'token' as const, accessToken: 'a', refreshToken: 'r' };
    await writeCliConfig(file, { current });
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, 'nested')).mode & 0o777, 0o700);
    assert.deepEqual(await readCliConfig(file), { current });
  });

  it('keeps 0600 when it replaces a file that was more open', async () => {
    const file = join(dir, 'open.json');
    writeFileSync(file, '{}', { mode: 0o644 });
    await writeCliConfig(file, {});
    assert.equal(statSync(file).mode & 0o777, 0o600);
  });

  it('says how to recover from a corrupt file', async () => {
    const file = join(dir, 'corrupt.json');
    writeFileSync(file, '{not json');
    await assert.rejects(readCliConfig(file), (err: CliError) => {
      assert.equal(err.exitCode, ExitCode.Failed);
      assert.match(err.message, /mortise login/);
      return true;
    });
  });
});
