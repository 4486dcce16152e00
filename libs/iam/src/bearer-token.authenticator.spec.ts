import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AuthenticationRequest, UserInfo } from '@mortise/api';
import { BearerTokenAuthenticator, bearerCredential } from './bearer-token.authenticator.js';
import { USER_KIND } from './iam-kinds.js';
import { createUser, settle, startIdentity, type IdentityFixture } from './testing/identity-fixture.js';

describe(bearerCredential.name, () => {
  const of = (authorization: string | string[] | undefined) =>
    bearerCredential({ method: 'GET', url: '/', ip: '127.0.0.1', headers: { authorization } });

  it('reads the credential of the Bearer scheme, in any case, trimmed', () => {
    assert.equal(of('Bearer abc.def'), 'abc.def');
    assert.equal(of('bearer abc.def'), 'abc.def');
    assert.equal(of('BEARER  abc.def '), 'abc.def');
  });

  it('ignores other schemes, a missing space, short and repeated headers', () => {
    for (const header of [
      'Basic YWxhZGRpbjpvcGVu',
      'Bearerabc.def',
      'Bearer ',
      'Bearer',
      undefined,
      ['Bearer a', 'b'],
    ]) {
      assert.equal(of(header), undefined, String(header));
    }
  });
});

describe(BearerTokenAuthenticator.name, () => {
  let fx: IdentityFixture;
  let strategy: BearerTokenAuthenticator;
  let alice: UserInfo;

  const tokenFor = async (user: UserInfo, ttlSeconds = 600) => {
    const { sid } = await fx.identity.sessions.open(user, 'console', undefined);
    return { sid, header: `Bearer ${fx.identity.tokens.issue(user, 'console', sid, ttlSeconds).token}` };
  };
  // A fresh copy of the header string each time, as Node's parser gives one per request.
  const on = (socket: object | undefined, header: string | undefined): AuthenticationRequest => ({
    method: 'GET',
    url: '/',
    ip: '127.0.0.1',
    headers: { authorization: header === undefined ? undefined : [...header].join('') },
    ...(socket ? { socket } : {}),
  });

  before(async () => {
    fx = await startIdentity();
    strategy = new BearerTokenAuthenticator(fx.identity.tokens);
    alice = await createUser(fx.identity, 'alice');
  });
  after(() => fx.identity.stop());

  it('authenticates the same header again on a connection, and another header there as its own user', async () => {
    const socket = {};
    const bob = await createUser(fx.identity, 'bob');
    const [a, b] = [await tokenFor(alice), await tokenFor(bob)];
    assert.equal(strategy.authenticate(on(socket, a.header))?.user.username, 'alice');
    assert.equal(strategy.authenticate(on(socket, a.header))?.user.username, 'alice');
    assert.equal(strategy.authenticate(on(socket, b.header))?.user.username, 'bob');
    assert.equal(strategy.authenticate(on(socket, a.header))?.user.username, 'alice');
    assert.equal(strategy.authenticate(on(undefined, b.header))?.user.username, 'bob');
  });

  it('leaves API keys, other schemes and no header to the other strategies, on a connection that had a token', async () => {
    const socket = {};
    strategy.authenticate(on(socket, (await tokenFor(alice)).header));
    assert.equal(strategy.authenticate(on(socket, undefined)), undefined);
    assert.equal(strategy.authenticate(on(socket, 'Basic YWxhZGRpbjpvcGVu')), undefined);
    assert.equal(strategy.authenticate(on(socket, 'Bearer mrt_abc_def')), undefined);
  });

  it('still refuses a token remembered on the connection once its session is revoked', async () => {
    const socket = {};
    const a = await tokenFor(alice);
    strategy.authenticate(on(socket, a.header));
    await fx.identity.sessions.revoke(a.sid, 'test');
    assert.throws(() => strategy.authenticate(on(socket, a.header)), /revoked/);
  });

  it('still refuses it once its user is disabled', async () => {
    const socket = {};
    const carol = await createUser(fx.identity, 'carol');
    const c = await tokenFor(carol);
    strategy.authenticate(on(socket, c.header));
    await fx.store.patch({ ...USER_KIND, name: 'carol' }, { type: 'merge', patch: { spec: { disabled: true } } });
    await settle();
    assert.throws(() => strategy.authenticate(on(socket, c.header)), /disabled or no longer exists/);
  });

  it('still refuses it once it expires', async () => {
    const socket = {};
    const a = await tokenFor(alice, 60);
    strategy.authenticate(on(socket, a.header));
    fx.clock.advance(120);
    assert.throws(() => strategy.authenticate(on(socket, a.header)), /expired/);
  });
});
