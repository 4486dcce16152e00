import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { passwordLogin, startTestKernel, type TestKernel } from '../testing/kernel-fixture.js';
import { createUser, USERS_PATH } from '../testing/identity.js';

const API_KEYS_PATH = '/kapis/iam.mortise.io/v1/apikeys';

describe('users and API keys over the REST API', () => {
  let k: TestKernel;
  let aliceToken: string;
  let bobToken: string;

  before(async () => {
    k = await startTestKernel();
    await createUser(k, 'alice');
    await createUser(k, 'bob');
    aliceToken = await passwordLogin(k.url, 'alice', 'correct horse');
    bobToken = await passwordLogin(k.url, 'bob', 'correct horse');
  });
  after(() => k.close());

  const as = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

  describe('users', () => {
    it('never returns the password and marks the user Active', async () => {
      const res = await k.call('GET', `${USERS_PATH}/alice`);
      assert.equal(res.status, 200);
      assert.equal(res.body.spec.password, undefined);
      assert.equal(res.body.status.state, 'Active');
      assert.ok(!res.text.includes('correct horse'));
    });

    it('refuses a duplicate email, a weak password, and a password in an update', async () => {
      const dup = await k.call('POST', USERS_PATH, {
        body: { metadata: { name: 'carol' }, spec: { email: 'ALICE@example.com', password: 'long enough' } },
      });
      assert.equal(dup.status, 422);
      assert.match(dup.text, /already used/);
      const weak = await k.call('POST', USERS_PATH, {
        body: { metadata: { name: 'carol' }, spec: { email: 'carol@example.com', password: 'short' } },
      });
      assert.equal(weak.status, 422);
      const patch = await k.call('PATCH', `${USERS_PATH}/alice`, {
        body: { spec: { password: 'sneaky password' } },
        contentType: 'application/merge-patch+json',
      });
      assert.equal(patch.status, 422);
    });

    it('changes a password with the old one; the old sessions end', async () => {
      const old = await passwordLogin(k.url, 'bob', 'correct horse');
      const wrong = await k.call('PUT', `${USERS_PATH}/bob/password`, {
        ...as(old),
        body: { currentPassword: 'nope nope', password: 'battery staple' },
      });
      assert.equal(wrong.status, 401);
      const other = await k.call('PUT', `${USERS_PATH}/alice/password`, {
        ...as(old),
        body: { password: 'x'.repeat(9) },
      });
      assert.equal(other.status, 403);
      const ok = await k.call('PUT', `${USERS_PATH}/bob/password`, {
        ...as(old),
        body: { currentPassword: 'correct horse', password: 'battery staple' },
      });
      assert.equal(ok.status, 204, ok.text);
      assert.equal((await k.call('GET', '/oauth/userinfo', as(old))).status, 401);
      bobToken = await passwordLogin(k.url, 'bob', 'battery staple');
      const reset = await k.call('PUT', `${USERS_PATH}/bob/password`, { body: { password: 'admin chose this' } });
      assert.equal(reset.status, 204);
      bobToken = await passwordLogin(k.url, 'bob', 'admin chose this');
    });

    it("rejects a disabled user's token on its next use", async () => {
      await createUser(k, 'dave');
      const token = await passwordLogin(k.url, 'dave', 'correct horse');
      assert.equal((await k.call('GET', '/oauth/userinfo', as(token))).status, 200);
      const disable = await k.call('PATCH', `${USERS_PATH}/dave`, {
        body: { spec: { disabled: true } },
        contentType: 'application/merge-patch+json',
      });
      assert.equal(disable.status, 200);
      assert.equal((await k.call('GET', '/oauth/userinfo', as(token))).status, 401);
      assert.equal((await k.call('GET', `${USERS_PATH}/dave`)).body.status.state, 'Disabled');
    });

    it('lists login records to the user and the admin only', async () => {
      const own = await k.call('GET', `${USERS_PATH}/alice/loginrecords`, as(aliceToken));
      assert.equal(own.status, 200);
      assert.ok(own.body.items.some((r: { spec: { success: boolean } }) => r.spec.success));
      assert.equal((await k.call('GET', `${USERS_PATH}/alice/loginrecords`, as(bobToken))).status, 403);
      assert.equal((await k.call('GET', `${USERS_PATH}/alice/loginrecords`)).status, 200);
    });
  });

  describe('API keys', () => {
    it('shows the key once, authenticates with it, and each user sees only their own', async () => {
      const created = await k.call('POST', API_KEYS_PATH, {
        ...as(aliceToken),
        body: { metadata: { name: 'ignored' }, spec: { description: 'ci' } },
      });
      assert.equal(created.status, 201, created.text);
      const key = created.body.status.secret as string;
      const id = created.body.metadata.name as string;
      assert.match(key, new RegExp(`^mrt_${id}_`));
      assert.equal(created.body.spec.owner, 'alice');

      const me = await k.call('GET', '/oauth/userinfo', as(key));
      assert.equal(me.status, 200);
      assert.equal(me.body.sub, 'alice');

      const mine = await k.call('GET', API_KEYS_PATH, as(aliceToken));
      assert.deepEqual(
        mine.body.items.map((item: { metadata: { name: string } }) => item.metadata.name),
        [id],
      );
      assert.ok(!mine.text.includes(key.slice(-20)));
      assert.equal(mine.body.items[0].status.secret, undefined);
      const theirs = await k.call('GET', API_KEYS_PATH, as(bobToken));
      assert.equal(theirs.body.items.length, 0);
      assert.equal((await k.call('GET', `${API_KEYS_PATH}/${id}`, as(bobToken))).status, 404);
      assert.equal((await k.call('DELETE', `${API_KEYS_PATH}/${id}`, as(bobToken))).status, 404);
      assert.equal((await k.call('GET', API_KEYS_PATH)).body.items.length, 1, 'the admin sees every key');

      assert.equal((await k.call('DELETE', `${API_KEYS_PATH}/${id}`, as(aliceToken))).status, 200);
      assert.equal((await k.call('GET', '/oauth/userinfo', as(key))).status, 401);
    });

    it('refuses a key made for someone else', async () => {
      const res = await k.call('POST', API_KEYS_PATH, {
        ...as(bobToken),
        body: { metadata: { name: 'theirs' }, spec: { owner: 'alice' } },
      });
      assert.equal(res.status, 403);
    });
  });
});
