import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { createLogger } from '@mortise/observability';
import { startTestKernel, type CallOptions, type TestKernel } from '../testing/kernel-fixture.js';
import { USERS_PATH } from '../testing/identity.js';

const API_KEYS_PATH = '/kapis/iam.mortise.io/v1/apikeys';
const PASSWORD = 'leak-check-password-1';
const NEW_PASSWORD = 'leak-check-password-2';
const WRONG_PASSWORD = 'leak-check-wrong-password';

describe('secrets never leave', () => {
  let k: TestKernel;
  let logs = '';
  /** Every response body except the two that exist to hand a secret over once. */
  const bodies: string[] = [];
  const secrets: string[] = [PASSWORD, NEW_PASSWORD, WRONG_PASSWORD];

  before(async () => {
    const destination = new PassThrough();
    destination.on('data', (chunk: Buffer) => (logs += chunk.toString()));
    k = await startTestKernel({ logger: createLogger({ level: 'trace', destination }) });
  });
  after(() => k.close());

  async function call(method: string, path: string, options: CallOptions = {}) {
    const res = await k.call(method, path, options);
    bodies.push(res.text);
    return res;
  }

  async function token(fields: Record<string, string>) {
    const response = await fetch(`${k.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: 'console', ...fields }).toString(),
    });
    return (await response.json()) as { access_token?: string; refresh_token?: string; error?: string };
  }

  it('keeps passwords, hashes, refresh tokens and API key secrets out of responses, logs and watch events', async () => {
    const users = await k.watch(`${USERS_PATH}?watch=true`);
    const keys = await k.watch(`${API_KEYS_PATH}?watch=true`);

    await call('POST', USERS_PATH, {
      body: { metadata: { name: 'erin' }, spec: { email: 'erin@example.com', password: PASSWORD } },
    });
    assert.equal(
      (await token({ grant_type: 'password', username: 'erin', password: WRONG_PASSWORD })).error,
      'invalid_grant',
    );
    const login = await token({ grant_type: 'password', username: 'erin', password: PASSWORD });
    const refreshed = await token({ grant_type: 'refresh_token', refresh_token: login.refresh_token! });
    secrets.push(login.refresh_token!, refreshed.refresh_token!);
    // A spent refresh token presented again (which ends that session): its error must not echo it.
    assert.equal(
      (await token({ grant_type: 'refresh_token', refresh_token: login.refresh_token! })).error,
      'invalid_grant',
    );
    const again = await token({ grant_type: 'password', username: 'erin', password: PASSWORD });
    secrets.push(again.refresh_token!);
    const auth = { authorization: `Bearer ${again.access_token!}` };

    const created = await k.call('POST', API_KEYS_PATH, {
      headers: auth,
      body: { metadata: { name: 'mine' }, spec: {} },
    });
    const apiKey = created.body.status.secret as string;
    secrets.push(apiKey, apiKey.split('_').slice(2).join('_'));
    await call('GET', '/oauth/userinfo', { headers: { authorization: `Bearer ${apiKey}` } });
    await call('GET', '/oauth/userinfo', { headers: { authorization: `Bearer ${apiKey}x` } });
    await call('PUT', `${USERS_PATH}/erin/password`, {
      headers: auth,
      body: { currentPassword: WRONG_PASSWORD, password: NEW_PASSWORD },
    });
    await call('PUT', `${USERS_PATH}/erin/password`, { body: { password: NEW_PASSWORD } });
    await call('GET', `${USERS_PATH}/erin`);
    await call('GET', USERS_PATH);
    await call('GET', API_KEYS_PATH);
    await call('GET', `${USERS_PATH}/erin/loginrecords`);

    // The hashes as stored, read behind the API's back.
    const credential = await k.kernel.store.get({ group: 'iam.mortise.io', kind: 'PasswordCredential', name: 'erin' });
    const keySecret = await k.kernel.store.get({
      group: 'iam.mortise.io',
      kind: 'APIKeySecret',
      name: created.body.metadata.name,
    });
    const passwordHash = (credential.spec as { hash: string }).hash;
    secrets.push(passwordHash, passwordHash.split('$').pop()!, (keySecret.spec as { hash: string }).hash);

    const events: string[] = [];
    for (const watch of [users, keys]) {
      for (
        let event = await watch.next(1000).catch(() => undefined);
        event;
        event = await watch.next(300).catch(() => undefined)
      ) {
        events.push(JSON.stringify(event));
      }
      watch.close();
    }
    assert.ok(
      events.some((e) => e.includes('"erin"')),
      'the watch saw the user',
    );
    assert.ok(
      events.some((e) => e.includes('APIKey')),
      'the watch saw the key',
    );
    assert.ok(logs.includes('audit'), 'the logs were captured');

    for (const secret of secrets) {
      for (const [where, texts] of [
        ['a response', bodies],
        ['a watch event', events],
        ['the logs', [logs]],
      ] as const) {
        assert.ok(!texts.some((text) => text.includes(secret)), `${where} contains a secret (${secret.slice(0, 6)}…)`);
      }
    }
  });
});
