import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { WIDGET_KIND } from '../testing/access-control-fixture.js';
import { USERS_PATH, createUser } from '../testing/identity.js';
import {
  itemNames,
  passwordLogin,
  startTestKernel,
  type CallOptions,
  type TestKernel,
} from '../testing/kernel-fixture.js';

const TENANT = '/kapis/tenant.mortise.io/v1';
const WIDGETS_P1 = '/kapis/example.mortise.io/v1/namespaces/p1/widgets';
const API_KEYS = '/kapis/iam.mortise.io/v1/apikeys';

/** Credentials for one call: an access token or an API key. */
const as = (credential: string, options: CallOptions = {}): CallOptions => ({
  ...options,
  headers: { ...options.headers, authorization: `Bearer ${credential}` },
});

/**
 * The kernel as `npm start` wires it (identity and access control on by
 * default), driven only with real credentials: password-grant tokens and API keys.
 */
describe('security scenario with real tokens', () => {
  let k: TestKernel;
  const tokens: Record<string, string> = {};
  const login = async (user: string, password = 'correct horse'): Promise<string> =>
    (tokens[user] = await passwordLogin(k.url, user, password));

  before(async () => {
    k = await startTestKernel({ kinds: [WIDGET_KIND] });
    await createUser(k, 'alice');
    await createUser(k, 'bob');
    const wsA = await k.call('POST', `${TENANT}/workspaces`, {
      body: { metadata: { name: 'ws-a' }, spec: { manager: 'alice' } },
    });
    assert.equal(wsA.status, 201, wsA.text);
    assert.equal(
      (await k.call('POST', `${TENANT}/workspaces`, { body: { metadata: { name: 'ws-b' }, spec: {} } })).status,
      201,
    );
    await login('alice');
    await login('bob');
  });
  after(() => k.close());

  it('lets the workspace manager create a project and add a viewer, who reads but does not write', async () => {
    const p1 = await k.call(
      'POST',
      `${TENANT}/workspaces/ws-a/projects`,
      as(tokens.alice, { body: { metadata: { name: 'p1' }, spec: {} } }),
    );
    assert.equal(p1.status, 201, p1.text);
    const member = await k.call(
      'POST',
      `${TENANT}/namespaces/p1/members`,
      as(tokens.alice, { body: { username: 'bob', role: 'project-viewer' } }),
    );
    assert.equal(member.status, 201, member.text);
    const widget = { metadata: { name: 'w1' }, spec: { size: 1 } };
    assert.equal((await k.call('POST', WIDGETS_P1, as(tokens.alice, { body: widget }))).status, 201);

    const read = await k.call('GET', WIDGETS_P1, as(tokens.bob));
    assert.equal(read.status, 200, read.text);
    assert.deepEqual(itemNames(read.body), ['w1']);
    const write = await k.call('POST', WIDGETS_P1, as(tokens.bob, { body: { metadata: { name: 'w2' }, spec: {} } }));
    assert.equal(write.status, 403);
    assert.equal(write.body.reason, 'Forbidden');
    assert.match(
      write.body.message,
      /user "bob" cannot create widgets in API group "example.mortise.io" in project "p1"/,
    );
  });

  it('keeps each user out of workspaces they are not in', async () => {
    assert.equal((await k.call('GET', `${TENANT}/workspaces/ws-b`, as(tokens.bob))).status, 403);
    const alice = await k.call('GET', `${TENANT}/workspaces/ws-b`, as(tokens.alice));
    assert.equal(alice.status, 403);
    assert.match(alice.body.message, /user "alice" cannot get workspaces "ws-b"/);
    const listed = await k.call('GET', `${TENANT}/workspaces`, as(tokens.alice));
    assert.ok(!itemNames(listed.body).includes('ws-b'), listed.text);
  });

  it('answers an anonymous caller 401 with WWW-Authenticate, and a user on an admin route 403', async () => {
    const anonymous = await k.call('GET', `${TENANT}/workspaces/ws-a`, { anonymous: true });
    assert.equal(anonymous.status, 401);
    assert.match(anonymous.headers.get('www-authenticate') ?? '', /^Bearer realm="mortise"/);
    assert.equal((await k.call('POST', '/oauth/keys/rotate', as(tokens.bob))).status, 403);
    assert.equal((await k.call('POST', `${USERS_PATH}/alice/unlock`, as(tokens.bob))).status, 403);
    assert.equal((await k.call('GET', `${USERS_PATH}/alice/loginrecords`, as(tokens.bob))).status, 403);
    assert.equal((await k.call('GET', `${USERS_PATH}/bob/loginrecords`, as(tokens.bob))).status, 200);
    assert.equal((await k.call('POST', `${USERS_PATH}/alice/unlock`)).status, 200, 'the admin unlocks');
  });

  it('lets users change their own password with the current one, and admins reset without it', async () => {
    const path = `${USERS_PATH}/bob/password`;
    const missing = await k.call('PUT', path, as(tokens.bob, { body: { password: 'bobs new secret' } }));
    assert.equal(missing.status, 422, missing.text);
    const others = await k.call(
      'PUT',
      `${USERS_PATH}/alice/password`,
      as(tokens.bob, { body: { currentPassword: 'correct horse', password: 'taken over!' } }),
    );
    assert.equal(others.status, 403);
    const own = await k.call(
      'PUT',
      path,
      as(tokens.bob, { body: { currentPassword: 'correct horse', password: 'bobs new secret' } }),
    );
    assert.equal(own.status, 204, own.text);
    await login('bob', 'bobs new secret');

    const reset = await k.call('PUT', path, { body: { password: 'reset by admin' } });
    assert.equal(reset.status, 204, reset.text);
    await login('bob', 'reset by admin');
  });

  it('shows each user only their own API keys, the admin all of them', async () => {
    const create = async (user: string): Promise<string> => {
      const res = await k.call('POST', API_KEYS, as(tokens[user], { body: { metadata: { name: 'k' }, spec: {} } }));
      assert.equal(res.status, 201, res.text);
      return res.body.metadata.name as string;
    };
    const aliceKey = await create('alice');
    const bobKey = await create('bob');
    assert.deepEqual(itemNames((await k.call('GET', API_KEYS, as(tokens.alice))).body), [aliceKey]);
    assert.deepEqual(itemNames((await k.call('GET', API_KEYS, as(tokens.bob))).body), [bobKey]);
    assert.equal((await k.call('GET', `${API_KEYS}/${aliceKey}`, as(tokens.bob))).status, 404);
    assert.equal((await k.call('DELETE', `${API_KEYS}/${aliceKey}`, as(tokens.bob))).status, 404);
    const forAlice = await k.call(
      'POST',
      API_KEYS,
      as(tokens.bob, { body: { metadata: { name: 'k' }, spec: { owner: 'alice' } } }),
    );
    assert.equal(forAlice.status, 403);
    assert.deepEqual(itemNames((await k.call('GET', API_KEYS)).body).sort(), [aliceKey, bobKey].sort());
    assert.equal((await k.call('DELETE', `${API_KEYS}/${bobKey}`, as(tokens.bob))).status, 200);
  });

  it('holds an API key restricted to reading to that, even where its owner may write', async () => {
    const res = await k.call(
      'POST',
      API_KEYS,
      as(tokens.alice, {
        body: {
          metadata: { name: 'ro' },
          spec: { rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['get', 'list', 'watch'] }] },
        },
      }),
    );
    assert.equal(res.status, 201, res.text);
    const key = res.body.status.secret as string;
    assert.equal((await k.call('GET', WIDGETS_P1, as(key))).status, 200);
    const write = await k.call('POST', WIDGETS_P1, as(key, { body: { metadata: { name: 'w3' }, spec: {} } }));
    assert.equal(write.status, 403, write.text);
    assert.equal(
      (await k.call('POST', WIDGETS_P1, as(tokens.alice, { body: { metadata: { name: 'w3' }, spec: {} } }))).status,
      201,
    );
  });

  it("denies bob's next request once his binding is revoked", async () => {
    assert.equal((await k.call('GET', WIDGETS_P1, as(tokens.bob))).status, 200);
    const removed = await k.call('DELETE', `${TENANT}/namespaces/p1/members/bob`, as(tokens.alice));
    assert.equal(removed.status, 200, removed.text);
    assert.equal((await k.call('GET', WIDGETS_P1, as(tokens.bob))).status, 403);
  });
});
