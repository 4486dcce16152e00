import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  INSTALL_PLANS,
  TEST_ADMIN_PASSWORD,
  clientCredentialsGrant,
  inState,
  planBody,
  releaseService,
  startTestKernel,
  waitForPlan,
  type TestKernel,
} from '@mortise/kernel';
import { ExitCode } from '../exit-codes.js';
import { cliSandbox } from '../testing/cli-process.js';

describe('mortise credentials', () => {
  let k: TestKernel;
  const cli = cliSandbox();

  before(async () => {
    k = await startTestKernel();
    await releaseService(k.kernel.store, 'notes', '1.0.0', 'http://127.0.0.1:9');
    assert.equal((await k.call('POST', INSTALL_PLANS, { body: planBody('notes', '1.0.0') })).status, 201);
    await waitForPlan(k, 'notes', inState('Installed'));
    const login = await cli.run(['login', k.url, '-u', 'admin'], { env: { MORTISE_PASSWORD: TEST_ADMIN_PASSWORD } });
    assert.equal(login.code, ExitCode.Ok, login.stderr);
  });
  after(async () => {
    cli.dispose();
    await k.close();
  });

  it('shows the client id and a secret that gets a token, and rotates it', async () => {
    const shown = await cli.run(['credentials', 'notes', '--output', 'json']);
    assert.equal(shown.code, ExitCode.Ok, shown.stderr);
    const credential = JSON.parse(shown.stdout) as { status: { clientId: string; clientSecret: string } };
    assert.equal(credential.status.clientId, 'ext-notes');
    assert.equal((await clientCredentialsGrant(k.url, 'ext-notes', credential.status.clientSecret)).status, 200);

    const rotated = await cli.run(['credentials', 'notes', '--rotate']);
    assert.equal(rotated.code, ExitCode.Ok, rotated.stderr);
    assert.match(rotated.stdout, /Client ID: +ext-notes\n/);
    const secret = /Client secret: +(\S+)\n/.exec(rotated.stdout)?.[1] ?? '';
    assert.notEqual(secret, credential.status.clientSecret);
    assert.equal((await clientCredentialsGrant(k.url, 'ext-notes', secret)).status, 200);
    assert.equal((await clientCredentialsGrant(k.url, 'ext-notes', credential.status.clientSecret)).status, 401);
  });

  it('says NotFound for an extension without one', async () => {
    const missing = await cli.run(['credentials', 'nothing']);
    assert.equal(missing.code, ExitCode.NotFound);
    assert.match(missing.stderr, /only installed service extensions/);
  });
});
