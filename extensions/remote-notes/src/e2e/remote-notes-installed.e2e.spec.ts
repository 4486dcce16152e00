import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
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

/**
 * Nothing stubbed, both ways: the kernel installs the sample from its own
 * manifest and signs identity tokens the service verifies with the kernel's
 * JWKS; the service calls the kernel back with the credential the install
 * provisioned, as `ext:remote-notes`.
 */
describe('remote-notes installed on a running kernel, calling it as ext:remote-notes', () => {
  let k: TestKernel;
  let service: Awaited<ReturnType<typeof startNotesProcess>>;
  let secret: string;
  let aliceToken: string;
  const as = (token: string) => ({ authorization: `Bearer ${token}` });

  before(async () => {
    k = await startTestKernel();
    const issuer = (await k.call('GET', '/.well-known/openid-configuration')).body.issuer as string;
    const identity = { MORTISE_ISSUER: issuer, MORTISE_JWKS_URL: `${k.url}/oauth/keys` };
    // Started first, without a credential: the manifest the kernel installs needs the service's address.
    service = await startNotesProcess(identity);
    const version = await releaseNotes(k.kernel.store, service.url);
    await createUser(k, 'alice');
    aliceToken = await passwordLogin(k.url, 'alice', 'correct horse');
    const workspace = { metadata: { name: 'ws1' }, spec: { manager: 'alice', displayName: 'Team One' } };
    assert.equal((await k.call('POST', WORKSPACES, { body: workspace })).status, 201);
    assert.equal((await k.call('POST', INSTALL_PLANS, { body: planBody(EXTENSION_NAME, version) })).status, 201);
    await waitForPlan(k, EXTENSION_NAME, inState('Installed'));
    // What an admin does with `mortise credentials remote-notes`: hand the secret over, restart the service.
    const shown = await k.call('GET', `${INSTALL_PLANS}/${EXTENSION_NAME}/credentials`);
    assert.equal(shown.status, 200, shown.text);
    secret = shown.body.status.clientSecret as string;
    await service.stop();
    service = await startNotesProcess({
      ...identity,
      PORT: new URL(service.url).port,
      MORTISE_KERNEL_URL: k.url,
      MORTISE_CLIENT_SECRET: secret,
    });
  });
  after(async () => {
    await k.close();
    await service.stop();
  });

  it("keeps a user's note with the workspace the service read from the kernel", async () => {
    const path = `/kapis/${NOTES_GROUP}/v1/workspaces/ws1/notes`;
    const post = () => k.call('POST', path, { headers: as(aliceToken), body: { text: 'hello team' } });
    // The route and alice's aggregated role follow the install through watches: wait for both.
    let created: CallResult = await post();
    for (let i = 0; i < 200 && created.status !== 201; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      created = await post();
    }
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.author, 'alice', 'the service verified the token the kernel signed');
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
