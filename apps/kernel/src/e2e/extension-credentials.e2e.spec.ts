import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { createLogger } from '@mortise/observability';
import { createKernelTokenSource } from '@mortise/sdk';
import { passwordLogin, startTestKernel, type CallResult, type TestKernel } from '../testing/kernel-fixture.js';
import { clientCredentialsGrant, createUser } from '../testing/identity.js';
import {
  INSTALL_PLANS,
  gone,
  inState,
  planBody,
  releaseProbe,
  releaseService,
  waitForPlan,
} from '../testing/extension-catalog.js';

const WORKSPACES = '/kapis/tenant.mortise.io/v1/workspaces';
const CREDENTIALS = `${INSTALL_PLANS}/notes/credentials`;
/** Nothing listens there: the test talks to the kernel as the extension, never to the extension. */
const UPSTREAM = 'http://127.0.0.1:9';

describe('a service extension calls the kernel as ext:<name> with its credential', () => {
  let k: TestKernel;
  let logs = '';
  let regularToken: string;
  /** Every secret and token this test sees; none may appear in the logs. */
  const secrets: string[] = [];
  const as = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
  const credentials = async (): Promise<CallResult> => k.call('GET', CREDENTIALS);

  before(async () => {
    const destination = new PassThrough();
    destination.on('data', (chunk: Buffer) => (logs += chunk.toString()));
    k = await startTestKernel({ logger: createLogger({ level: 'trace', destination }) });
    await releaseService(k.kernel.store, 'notes', '1.0.0', UPSTREAM, {
      permissions: [{ apiGroups: ['tenant.mortise.io'], resources: ['workspaces'], verbs: ['get', 'list'] }],
    });
    assert.equal((await k.call('POST', WORKSPACES, { body: { metadata: { name: 'ws1' }, spec: {} } })).status, 201);
    await createUser(k, 'regular');
    regularToken = await passwordLogin(k.url, 'regular', 'correct horse');
    assert.equal((await k.call('POST', INSTALL_PLANS, { body: planBody('notes', '1.0.0') })).status, 201);
    await waitForPlan(k, 'notes', inState('Installed'));
  });
  after(() => k.close());

  it('shows the client id and secret to platform admins only, never cached', async () => {
    const shown = await credentials();
    assert.equal(shown.status, 200, shown.text);
    assert.equal(shown.headers.get('cache-control'), 'no-store');
    assert.equal(shown.body.kind, 'ExtensionCredential');
    assert.equal(shown.body.status.username, 'ext:notes');
    assert.equal(shown.body.status.clientId, 'ext-notes');
    assert.equal(typeof shown.body.status.clientSecret, 'string');
    assert.doesNotMatch(shown.text, /sha256/, 'no hash is shown');
    secrets.push(shown.body.status.clientSecret as string);
    for (const method of ['GET', 'POST']) {
      assert.equal((await k.call(method, CREDENTIALS, { anonymous: true })).status, 401, `anonymous ${method}`);
      assert.equal((await k.call(method, CREDENTIALS, as(regularToken))).status, 403, `regular ${method}`);
    }
    assert.equal((await credentials()).body.status.clientSecret, secrets[0], 'a refused rotation changed nothing');
  });

  it('gets tokens that authorize exactly as the manifest permissions', async () => {
    const grant = await clientCredentialsGrant(k.url, 'ext-notes', secrets[0]);
    assert.equal(grant.status, 200, JSON.stringify(grant.body));
    assert.equal(grant.body.refresh_token, undefined);
    const token = grant.body.access_token as string;
    secrets.push(token);
    const me = await k.call('GET', '/oauth/userinfo', as(token));
    assert.equal(me.body.sub, 'ext:notes');
    const list = await k.call('GET', WORKSPACES, as(token));
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(
      list.body.items.map((w: { metadata: { name: string } }) => w.metadata.name),
      ['ws1'],
    );
    assert.equal((await k.call('GET', `${WORKSPACES}/ws1`, as(token))).status, 200);
    assert.equal((await k.call('DELETE', `${WORKSPACES}/ws1`, as(token))).status, 403);
    const create = await k.call('POST', WORKSPACES, { ...as(token), body: { metadata: { name: 'ws2' }, spec: {} } });
    assert.equal(create.status, 403, create.text);
    assert.equal((await k.call('GET', INSTALL_PLANS, as(token))).status, 403);
    assert.equal((await k.call('GET', CREDENTIALS, as(token))).status, 403, 'it cannot read its own secret');
    // An API key would authenticate as a User, which a service identity is not: refused, nothing stored.
    const key = await k.call('POST', '/kapis/iam.mortise.io/v1/apikeys', {
      ...as(token),
      body: { apiVersion: 'iam.mortise.io/v1', kind: 'APIKey', metadata: { generateName: 'k-' }, spec: {} },
    });
    assert.equal(key.status, 422, key.text);
    assert.match(key.body.message, /service identity.*OAuth client credentials/);
  });

  it("works with the SDK's token source, as a remote backend in Node would use it", async () => {
    const source = createKernelTokenSource({
      tokenUrl: `${k.url}/oauth/token`,
      clientId: 'ext-notes',
      clientSecret: secrets[0],
    });
    const token = await source.token();
    assert.equal(await source.token(), token, 'reused');
    assert.equal((await k.call('GET', WORKSPACES, as(token))).status, 200);
  });

  it('rotates: the old secret and its tokens are refused, the new secret works', async () => {
    const before = await clientCredentialsGrant(k.url, 'ext-notes', secrets[0]);
    const rotated = await k.call('POST', CREDENTIALS);
    assert.equal(rotated.status, 201, rotated.text);
    const fresh = rotated.body.status.clientSecret as string;
    secrets.push(fresh);
    assert.notEqual(fresh, secrets[0]);
    assert.equal((await credentials()).body.status.clientSecret, fresh);
    const old = await clientCredentialsGrant(k.url, 'ext-notes', secrets[0]);
    assert.equal(old.status, 401);
    assert.equal(old.body.error, 'invalid_client');
    assert.equal((await k.call('GET', WORKSPACES, as(before.body.access_token as string))).status, 401);
    const now = await clientCredentialsGrant(k.url, 'ext-notes', fresh);
    assert.equal(now.status, 200);
    assert.equal((await k.call('GET', WORKSPACES, as(now.body.access_token as string))).status, 200);
  });

  it('keeps the secret out of the plan, its list and the logs', async () => {
    const shown = [await k.call('GET', `${INSTALL_PLANS}/notes`), await k.call('GET', INSTALL_PLANS)];
    for (const secret of secrets) {
      for (const res of shown) assert.ok(!res.text.includes(secret), 'not in a plan');
      assert.ok(!logs.includes(secret), 'not in the logs');
    }
    assert.ok(logs.includes('installplans'), 'the logs were captured');
  });

  it('gives an in-process extension none: it reaches the kernel through the SDK, not over HTTP', async () => {
    await releaseProbe(k.kernel.store, 'probe', '1.0.0');
    assert.equal((await k.call('POST', INSTALL_PLANS, { body: planBody('probe', '1.0.0') })).status, 201);
    await waitForPlan(k, 'probe', inState('Installed'));
    const none = await k.call('GET', `${INSTALL_PLANS}/probe/credentials`);
    assert.equal(none.status, 404, none.text);
    assert.match(none.body.message, /only installed service extensions/);
  });

  it('uninstalling ends the client and every token it got', async () => {
    const secret = (await credentials()).body.status.clientSecret as string;
    const token = (await clientCredentialsGrant(k.url, 'ext-notes', secret)).body.access_token as string;
    assert.equal((await k.call('DELETE', `${INSTALL_PLANS}/notes`)).status, 200);
    await waitForPlan(k, 'notes', gone);
    assert.equal((await k.call('GET', WORKSPACES, as(token))).status, 401);
    const refused = await clientCredentialsGrant(k.url, 'ext-notes', secret);
    assert.equal(refused.status, 401);
    assert.equal(refused.body.error, 'invalid_client');
    assert.equal((await credentials()).status, 404);
  });
});
