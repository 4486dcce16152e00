import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  INSTALL_PLANS,
  clientCredentialsGrant,
  createUser,
  inState,
  passwordLogin,
  planBody,
  startTestKernel,
  waitForPlan,
  type CallResult,
  type TestKernel,
} from '@mortise/kernel';
import { EXTENSION_NAME, NOTES_GROUP } from '../gateway-objects.js';
import { startNotesProcess } from '../testing/notes-process.js';
import { releaseNotes } from '../testing/notes-release.js';

const WORKSPACES = '/kapis/tenant.mortise.io/v1/workspaces';
const CREDENTIALS = `${INSTALL_PLANS}/${EXTENSION_NAME}/credentials`;
const NOTES = `/kapis/${NOTES_GROUP}/v1/workspaces/ws1/notes`;

/**
 * Nothing stubbed, both ways: the kernel installs the sample from its own
 * manifest and signs identity tokens the service verifies with the kernel's
 * JWKS; the service calls the kernel back with the credential the install
 * provisioned, as `ext:remote-notes`.
 */
describe('remote-notes installed on a running kernel, calling it as ext:remote-notes', () => {
  let k: TestKernel;
  let service: Awaited<ReturnType<typeof startNotesProcess>>;
  let secretDir: string;
  let secretFile: string;
  let secret: string;
  let aliceToken: string;
  const as = (token: string) => ({ authorization: `Bearer ${token}` });
  const postNote = (text: string) => k.call('POST', NOTES, { headers: as(aliceToken), body: { text } });

  before(async () => {
    k = await startTestKernel();
    const issuer = (await k.call('GET', '/.well-known/openid-configuration')).body.issuer as string;
    secretDir = await mkdtemp(join(tmpdir(), 'remote-notes-secret-'));
    secretFile = join(secretDir, 'client-secret');
    // Started first: the manifest the kernel installs needs the service's address. Its secret file
    // does not exist yet, as a Kubernetes Secret volume before the secret is created.
    service = await startNotesProcess({
      MORTISE_ISSUER: issuer,
      MORTISE_JWKS_URL: `${k.url}/oauth/keys`,
      MORTISE_KERNEL_URL: k.url,
      MORTISE_CLIENT_SECRET_FILE: secretFile,
    });
    const version = await releaseNotes(k.kernel.store, service.url);
    await createUser(k, 'alice');
    aliceToken = await passwordLogin(k.url, 'alice', 'correct horse');
    const workspace = { metadata: { name: 'ws1' }, spec: { manager: 'alice', displayName: 'Team One' } };
    assert.equal((await k.call('POST', WORKSPACES, { body: workspace })).status, 201);
    assert.equal((await k.call('POST', INSTALL_PLANS, { body: planBody(EXTENSION_NAME, version) })).status, 201);
    await waitForPlan(k, EXTENSION_NAME, inState('Installed'));
  });
  after(async () => {
    await k.close();
    await service.stop();
    await rm(secretDir, { recursive: true, force: true });
  });

  it('keeps notes before the secret is handed over, saying the kernel was not asked', async () => {
    // The route and alice's aggregated role follow the install through watches: wait for both.
    let created: CallResult = await postNote('before the secret');
    for (let i = 0; i < 200 && created.status !== 201; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      created = await postNote('before the secret');
    }
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.workspace.name, 'ws1');
    assert.match(created.body.workspace.unresolved as string, /ENOENT/);
  });

  it("keeps a user's note with the workspace the service read from the kernel", async () => {
    // What an admin does with `mortise credentials remote-notes`: put the secret where the service reads it.
    const shown = await k.call('GET', CREDENTIALS);
    assert.equal(shown.status, 200, shown.text);
    secret = shown.body.status.clientSecret as string;
    await writeFile(secretFile, `${secret}\n`);
    const created = await postNote('hello team');
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.author, 'alice', 'the service verified the token the kernel signed');
    assert.deepEqual(created.body.workspace, { name: 'ws1', displayName: 'Team One' });
  });

  it('follows a rotated secret without a restart', async () => {
    const rotated = await k.call('POST', CREDENTIALS);
    assert.equal(rotated.status, 201, rotated.text);
    const stale = await postNote('after rotation, before the file changed');
    assert.match(stale.body.workspace.unresolved as string, /invalid_client/, 'the old secret and its token are over');
    secret = rotated.body.status.clientSecret as string;
    await writeFile(secretFile, `${secret}\n`);
    const created = await postNote('after rotation');
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(created.body.workspace, { name: 'ws1', displayName: 'Team One' });
  });

  it('holds exactly the manifest’s permissions: get on a workspace, 403 beyond', async () => {
    const grant = await clientCredentialsGrant(k.url, `ext-${EXTENSION_NAME}`, secret);
    assert.equal(grant.status, 200, JSON.stringify(grant.body));
    const token = as(grant.body.access_token as string);
    assert.equal((await k.call('GET', '/oauth/userinfo', { headers: token })).body.sub, `ext:${EXTENSION_NAME}`);
    assert.equal((await k.call('GET', `${WORKSPACES}/ws1`, { headers: token })).status, 200);
    for (const [method, path, body] of [
      ['PATCH', `${WORKSPACES}/ws1`, { spec: { displayName: 'Renamed' } }],
      ['DELETE', `${WORKSPACES}/ws1`, undefined],
      ['POST', WORKSPACES, { metadata: { name: 'ws2' }, spec: {} }],
      ['GET', '/kapis/iam.mortise.io/v1/users/alice', undefined],
      ['GET', `${INSTALL_PLANS}/${EXTENSION_NAME}/credentials`, undefined],
    ] as const) {
      const res = await k.call(method, path, {
        headers: token,
        ...(body ? { body } : {}),
        ...(method === 'PATCH' ? { contentType: 'application/merge-patch+json' } : {}),
      });
      assert.equal(res.status, 403, `${method} ${path}: ${res.text}`);
    }
  });
});
