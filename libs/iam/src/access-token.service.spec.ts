import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { UnauthorizedError, type UserInfo } from '@mortise/api';
import { AccessTokenService } from './access-token.service.js';
import { USER_KIND } from './iam-kinds.js';
import { createUser, settle, startIdentity, type IdentityFixture } from './testing/identity-fixture.js';

function base64url(value: object | string): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

describe(AccessTokenService.name, () => {
  let fx: IdentityFixture;
  let alice: UserInfo;
  let token: string;
  let sid: string;

  before(async () => {
    fx = await startIdentity();
    alice = await createUser(fx.identity, 'alice');
    sid = (await fx.identity.sessions.open(alice, 'console', undefined)).sid;
    token = fx.identity.tokens.issue(alice, 'console', sid, 3600).token;
  });
  after(() => fx.identity.stop());

  describe('a valid token', () => {
    it('verifies to the caller it was issued for, with the claims the kernel relies on', () => {
      const caller = fx.identity.tokens.verify(token);
      assert.equal(caller.user.username, 'alice');
      assert.equal(caller.user.uid, alice.uid);
      assert.equal(caller.clientId, 'console');
      assert.ok(caller.user.groups.includes('system:authenticated'));
      const { header, payload } = jwt.decode(token, { complete: true }) as jwt.Jwt & { payload: jwt.JwtPayload };
      assert.equal(header.alg, 'ES256');
      assert.equal(header.kid, fx.identity.keys.signingKey().kid);
      assert.equal(payload.aud, 'mortise');
      assert.equal(payload.iss, 'https://mortise.test');
      assert.equal(payload.sid, sid);
      assert.equal(payload.exp! - payload.iat!, 3600);
      assert.equal(typeof payload.jti, 'string');
    });

    it('is answered from the cache on the second use (same caller object)', () => {
      assert.equal(fx.identity.tokens.verify(token), fx.identity.tokens.verify(token));
    });
  });

  describe('forged and broken tokens', () => {
    const now = () => Math.floor(fx.clock.now() / 1000);
    const claims = () => ({
      iss: 'https://mortise.test',
      sub: 'alice',
      aud: 'mortise',
      azp: 'console',
      uid: alice.uid,
      groups: [],
      sid,
      jti: 'forged',
      iat: now(),
      exp: now() + 600,
    });
    const sign = (payload: object, options: jwt.SignOptions = {}) => {
      const key = fx.identity.keys.signingKey();
      return jwt.sign(payload, key.privateKey, { algorithm: 'ES256', keyid: key.kid, ...options });
    };
    const cases: Array<[string, () => string]> = [
      [
        'alg: none',
        () =>
          `${base64url({ alg: 'none', typ: 'JWT', kid: fx.identity.keys.signingKey().kid })}.${base64url(claims())}.`,
      ],
      [
        'HS256 signed with the public key (algorithm confusion)',
        () => {
          const key = fx.identity.keys.signingKey();
          const pem = key.publicKey.export({ format: 'pem', type: 'spki' }).toString();
          const input = `${base64url({ alg: 'HS256', typ: 'JWT', kid: key.kid })}.${base64url(claims())}`;
          return `${input}.${createHmac('sha256', pem).update(input).digest('base64url')}`;
        },
      ],
      ['wrong issuer', () => sign({ ...claims(), iss: 'https://evil.test' })],
      ['wrong audience', () => sign({ ...claims(), aud: 'some-extension' })],
      ['expired', () => sign({ ...claims(), iat: now() - 7200, exp: now() - 3600 })],
      ['not yet valid (nbf)', () => sign({ ...claims(), nbf: now() + 3600 })],
      ['issued in the future (iat)', () => sign({ ...claims(), iat: now() + 3600, exp: now() + 7200 })],
      [
        'tampered payload',
        () => {
          const [h, , s] = token.split('.');
          return `${h}.${base64url({ ...claims(), sub: 'admin' })}.${s}`;
        },
      ],
      ['unknown kid', () => sign(claims(), { keyid: 'no-such-key' })],
      ['no kid', () => jwt.sign(claims(), fx.identity.keys.signingKey().privateKey, { algorithm: 'ES256' })],
      ['missing sid claim', () => sign({ ...claims(), sid: undefined })],
      ['not a JWT', () => 'garbage'],
    ];
    for (const [name, forge] of cases) {
      it(`rejects ${name}`, () => {
        assert.throws(() => fx.identity.tokens.verify(forge()), UnauthorizedError);
      });
    }
  });

  describe('revocation', () => {
    it('rejects a token of a revoked session on its next use, though it was cached', async () => {
      const { sid: s } = await fx.identity.sessions.open(alice, 'console', undefined);
      const t = fx.identity.tokens.issue(alice, 'console', s, 600).token;
      fx.identity.tokens.verify(t);
      await fx.identity.sessions.revoke(s, 'test');
      assert.throws(() => fx.identity.tokens.verify(t), /revoked/);
    });

    it('applies a revocation made on another replica through the store watch', async () => {
      const replica = await startIdentity({}, { store: fx.store, clock: fx.clock });
      try {
        const { sid: s } = await fx.identity.sessions.open(alice, 'console', undefined);
        const t = fx.identity.tokens.issue(alice, 'console', s, 600).token;
        assert.equal(replica.identity.tokens.verify(t).user.username, 'alice');
        await fx.identity.sessions.revoke(s, 'test');
        await settle();
        assert.throws(() => replica.identity.tokens.verify(t), /revoked/);
      } finally {
        replica.identity.stop();
      }
    });

    it('rejects tokens of a disabled user, and of a deleted one', async () => {
      const bob = await createUser(fx.identity, 'bob');
      const { sid: s } = await fx.identity.sessions.open(bob, 'console', undefined);
      const t = fx.identity.tokens.issue(bob, 'console', s, 600).token;
      fx.identity.tokens.verify(t);
      await fx.store.patch({ ...USER_KIND, name: 'bob' }, { type: 'merge', patch: { spec: { disabled: true } } });
      await settle();
      assert.throws(() => fx.identity.tokens.verify(t), /disabled or no longer exists/);
      await fx.store.patch({ ...USER_KIND, name: 'bob' }, { type: 'merge', patch: { spec: { disabled: false } } });
      await settle();
      fx.identity.tokens.verify(t);
      await fx.store.delete({ ...USER_KIND, name: 'bob' });
      await settle();
      assert.throws(() => fx.identity.tokens.verify(t), UnauthorizedError);
    });

    it('rejects a token of a user recreated under the same name (uid differs)', async () => {
      const carol = await createUser(fx.identity, 'carol');
      const t = fx.identity.tokens.issue(
        carol,
        'console',
        (await fx.identity.sessions.open(carol, 'console', undefined)).sid,
        600,
      ).token;
      await fx.store.delete({ ...USER_KIND, name: 'carol' });
      await createUser(fx.identity, 'carol');
      await settle();
      assert.throws(() => fx.identity.tokens.verify(t), UnauthorizedError);
    });
  });

  describe('expiry and key rotation', () => {
    it('stops accepting a cached token once it expires', async () => {
      const { sid: s } = await fx.identity.sessions.open(alice, 'console', undefined);
      const t = fx.identity.tokens.issue(alice, 'console', s, 60).token;
      fx.identity.tokens.verify(t);
      fx.clock.advance(120);
      assert.throws(() => fx.identity.tokens.verify(t), /expired/);
    });

    it('verifies tokens signed before a rotation, and signs new ones with the new key', async () => {
      const before = fx.identity.keys.signingKey();
      const { sid: s } = await fx.identity.sessions.open(alice, 'console', undefined);
      const old = fx.identity.tokens.issue(alice, 'console', s, 600).token;
      const rotated = await fx.identity.keys.rotate();
      assert.notEqual(rotated.kid, before.kid);
      assert.equal(fx.identity.tokens.verify(old).user.username, 'alice');
      const fresh = fx.identity.tokens.issue(alice, 'console', s, 600).token;
      assert.equal(jwt.decode(fresh, { complete: true })?.header.kid, rotated.kid);
      const kids = fx.identity.keys.jwks().keys.map((k) => k.kid);
      assert.ok(kids.includes(before.kid) && kids.includes(rotated.kid));
    });
  });
});
