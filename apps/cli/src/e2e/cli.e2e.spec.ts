import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TEST_ADMIN_PASSWORD, passwordLogin, startTestKernel, type TestKernel } from '@mortise/kernel';
import type { CliConfigFile } from '../cli-config.js';
import { ExitCode } from '../exit-codes.js';
import { cliSandbox } from '../testing/cli-process.js';

const EXTENSIONS = '/kapis/extensions.mortise.io/v1/extensions';

describe('mortise against a running kernel: login, status, list, errors', () => {
  let k: TestKernel;
  const admin = cliSandbox();
  const alice = cliSandbox();
  const configOf = (dir: string): CliConfigFile =>
    JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as CliConfigFile;

  before(async () => {
    k = await startTestKernel();
    const user = await k.call('POST', '/kapis/iam.mortise.io/v1/users', {
      body: { metadata: { name: 'alice' }, spec: { email: 'alice@example.com', password: 'correct horse' } },
    });
    assert.equal(user.status, 201, user.text);
    for (const [name, description, recommended] of [
      ['announcements', 'Per-project announcements', '1.1.0'],
      ['notes', 'Shared notes per workspace', '2.0.0'],
    ] as const) {
      await k.kernel.store.create({
        apiVersion: 'extensions.mortise.io/v1',
        kind: 'Extension',
        metadata: { name },
        spec: { displayName: name, description, provider: 'Mortise samples' },
        status: { versions: [{ version: recommended }], recommendedVersion: recommended },
      });
    }
  });
  after(async () => {
    admin.dispose();
    alice.dispose();
    await k.close();
  });

  it('refuses a wrong password with exit 3 and one line, storing nothing', async () => {
    const run = await admin.run(['login', k.url, '-u', 'admin'], { env: { MORTISE_PASSWORD: 'wrong password' } });
    assert.equal(run.code, ExitCode.Unauthorized, run.stderr);
    assert.match(run.stderr, /^error: invalid_grant: .+\n$/);
    assert.equal(run.stdout, '');
  });

  it('logs in with the password grant and keeps the token in a 0600 file', async () => {
    const run = await admin.run(['login', `${k.url}/`, '--username', 'admin', '--password-stdin'], {
      input: `${TEST_ADMIN_PASSWORD}\n`,
    });
    assert.equal(run.code, ExitCode.Ok, run.stderr);
    assert.equal(run.stdout, `Logged in to ${k.url} as admin.\n`);
    const file = join(admin.configDir, 'config.json');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const { current } = configOf(admin.configDir);
    assert.equal(current?.server, k.url);
    assert.equal(current?.type, 'token');
    assert.ok(current?.refreshToken, 'a refresh token is kept');
    assert.ok(Date.parse(current?.expiresAt ?? '') > Date.now());
  });

  it('shows the kernel, the user and the installed extensions', async () => {
    const text = await admin.run(['status']);
    assert.equal(text.code, ExitCode.Ok, text.stderr);
    assert.match(text.stdout, new RegExp(`Kernel: +${k.url} \\(ready\\)`));
    assert.match(text.stdout, /User: +admin/);
    assert.match(text.stdout, /No extensions installed\./);
    const json = await admin.run(['status', '--output', 'json']);
    assert.deepEqual(JSON.parse(json.stdout), { server: k.url, user: 'admin', ready: true, extensions: [] });
  });

  it('refreshes an expired access token and stores the new one', async () => {
    const file = join(admin.configDir, 'config.json');
    const before = configOf(admin.configDir);
    const stale = { ...before.current!, accessToken: 'expired', expiresAt: new Date(Date.now() - 1000).toISOString() };
    writeFileSync(file, JSON.stringify({ current: stale }));
    const run = await admin.run(['status', '-o', 'json']);
    assert.equal(run.code, ExitCode.Ok, run.stderr);
    const after = configOf(admin.configDir).current!;
    assert.notEqual(after.accessToken, 'expired');
    assert.ok(Date.parse(after.expiresAt ?? '') > Date.now());
    assert.equal(statSync(file).mode & 0o777, 0o600);

    // A token the kernel no longer takes (revoked, rotated keys) is refreshed once, after the 401.
    writeFileSync(file, JSON.stringify({ current: { ...after, accessToken: 'not.a.token' } }));
    assert.equal((await admin.run(['status'])).code, ExitCode.Ok);
    assert.notEqual(configOf(admin.configDir).current?.accessToken, 'not.a.token');
  });

  it('lists the extensions on offer, as a table and as JSON', async () => {
    const text = await admin.run(['list']);
    assert.equal(text.code, ExitCode.Ok, text.stderr);
    const lines = text.stdout.trim().split('\n');
    assert.match(lines[0] ?? '', /^NAME +LATEST +INSTALLED +STATE +PROVIDER +DESCRIPTION$/);
    assert.match(text.stdout, /announcements +1\.1\.0 +- +- +Mortise samples +Per-project announcements/);
    const json = await admin.run(['list', '-o', 'json']);
    assert.deepEqual((JSON.parse(json.stdout) as { items: { name: string }[] }).items.map((i) => i.name).sort(), [
      'announcements',
      'notes',
    ]);
    const found = await admin.run(['list', '--query', 'notes', '-o', 'json']);
    assert.deepEqual(
      (JSON.parse(found.stdout) as { items: { name: string }[] }).items.map((i) => i.name),
      ['notes'],
    );
  });

  it('exits 4 naming what is missing', async () => {
    const status = await admin.run(['status', 'nosuch']);
    assert.equal(status.code, ExitCode.NotFound);
    assert.equal(status.stderr, 'error: extension "nosuch" is not installed (no InstallPlan "nosuch")\n');
    const install = await admin.run(['install', 'nosuch', '-o', 'json']);
    assert.equal(install.code, ExitCode.NotFound);
    assert.deepEqual(JSON.parse(install.stdout).error.reason, 'NotFound');
    assert.equal((await admin.run(['uninstall', 'nosuch'])).code, ExitCode.NotFound);
  });

  it('prints a kernel Status as one line: a user without the right gets exit 3', async () => {
    const login = await alice.run(['login', k.url, '-u', 'alice'], { env: { MORTISE_PASSWORD: 'correct horse' } });
    assert.equal(login.code, ExitCode.Ok, login.stderr);
    const run = await alice.run(['install', 'announcements', '--version', '1.1.0']);
    assert.equal(run.code, ExitCode.Unauthorized);
    assert.match(run.stderr, /^error: Forbidden: .*installplans.*\n$/);
  });

  it('logs in with an API key, and forgets it on logout', async () => {
    const token = await passwordLogin(k.url, 'alice', 'correct horse');
    const key = await k.call('POST', '/kapis/iam.mortise.io/v1/apikeys', {
      headers: { authorization: `Bearer ${token}` },
      body: { metadata: { name: 'cli' }, spec: { description: 'cli test' } },
    });
    assert.equal(key.status, 201, key.text);
    const run = await alice.run(['login', k.url, '-o', 'json'], {
      env: { MORTISE_API_KEY: key.body.status.secret as string },
    });
    assert.equal(run.code, ExitCode.Ok, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), { server: k.url, username: 'alice', type: 'apiKey' });
    assert.match((await alice.run(['status'])).stdout, /User: +alice/);

    const bad = await alice.run(['login', k.url, '--api-key', 'mrt_nope_nope']);
    assert.equal(bad.code, ExitCode.Unauthorized);
    assert.equal(configOf(alice.configDir).current?.type, 'apiKey', 'a refused key leaves the stored login as it was');

    assert.equal((await alice.run(['logout'])).code, ExitCode.Ok);
    assert.equal((await alice.run(['status'])).code, ExitCode.Unauthorized);
  });

  it('serves the Extension objects the list falls back to', async () => {
    // The fallback reads the generic REST of Extension; it must stay readable by the CLI's user.
    assert.equal((await k.call('GET', EXTENSIONS)).status, 200);
  });
});
