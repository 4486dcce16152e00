import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UnauthorizedError } from '@mortise/api';
import { OAuthError } from './oauth-error.js';
import { OAuthTokenService } from './oauth-token.service.js';
import { sha256Hex } from './secret-digest.js';
import { callerFor, createUser, settle, startIdentity, type IdentityFixture } from './testing/identity-fixture.js';

const SOURCE = { ip: '192.0.2.1', userAgent: 'test' };
const CONSOLE = { clientId: 'console' };

async function rejects(promise: Promise<unknown>, error: string, message?: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof OAuthError, `expected OAuthError, got ${String(err)}`);
    assert.equal(err.error, error);
    if (message) assert.match(err.message, message);
    return true;
  });
}

describe(OAuthTokenService.name, () => {
  let fx: IdentityFixture;
  const login = (username: string, password: string) =>
    fx.identity.oauth.token(SOURCE, CONSOLE, { grant_type: 'password', username, password });

  before(async () => {
    fx = await startIdentity({
      lockout: { maxFailures: 3, windowSeconds: 600, lockSeconds: 600 },
      clients: [
        {
          id: 'robot',
          secretHash: `sha256:${sha256Hex('s3cret')}`,
          grantTypes: ['client_credentials'],
          actAs: 'robot-user',
        },
        { id: 'untrusted', grantTypes: ['password'] },
      ],
    });
    await createUser(fx.identity, 'alice');
    await createUser(fx.identity, 'robot-user');
  });
  after(() => fx.identity.stop());

  describe('password grant', () => {
    it('issues an access token and a refresh token', async () => {
      const res = await login('alice', 'correct horse');
      assert.equal(res.token_type, 'Bearer');
      assert.equal(res.expires_in, 7200);
      assert.match(res.refresh_token!, /^[0-9a-f]{24}\./);
      assert.equal(fx.identity.tokens.verify(res.access_token).user.username, 'alice');
    });

    it('gives an unknown user and a wrong password the identical answer', async () => {
      const answers: string[] = [];
      for (const username of ['alice', 'nobody']) {
        await assert.rejects(
          fx.identity.oauth.token(SOURCE, CONSOLE, { grant_type: 'password', username, password: 'wrong password' }),
          (err: OAuthError) => (answers.push(JSON.stringify(err.toJSON())), true),
        );
      }
      assert.equal(answers[0], answers[1]);
      assert.match(answers[0], /invalid_grant/);
      await fx.identity.lockout.reset('alice');
      await fx.identity.lockout.reset('nobody');
    });

    it('refuses clients that are not trusted for it, and unknown clients', async () => {
      const body = { grant_type: 'password', username: 'alice', password: 'correct horse' };
      await rejects(fx.identity.oauth.token(SOURCE, { clientId: 'untrusted' }, body), 'unauthorized_client');
      await rejects(fx.identity.oauth.token(SOURCE, { clientId: 'nope' }, body), 'invalid_client');
      await rejects(
        fx.identity.oauth.token(SOURCE, { clientId: 'console', clientSecret: 'x' }, body),
        'invalid_client',
      );
    });

    it('answers invalid_request and unsupported_grant_type', async () => {
      await rejects(fx.identity.oauth.token(SOURCE, CONSOLE, {}), 'invalid_request');
      await rejects(
        fx.identity.oauth.token(SOURCE, CONSOLE, { grant_type: 'authorization_code' }),
        'unsupported_grant_type',
      );
      await rejects(
        fx.identity.oauth.token(SOURCE, CONSOLE, { grant_type: 'password', username: 'alice' }),
        'invalid_request',
      );
    });
  });

  describe('lockout', () => {
    it('locks a submitted name after repeated failures, whether or not the user exists, with the same answer', async () => {
      await createUser(fx.identity, 'dave');
      const locked: string[] = [];
      for (const username of ['dave', 'ghost']) {
        for (let i = 0; i < 3; i++) {
          await rejects(
            fx.identity.oauth.token(SOURCE, CONSOLE, { grant_type: 'password', username, password: 'nope-nope' }),
            'invalid_grant',
            /invalid username or password/,
          );
        }
        await assert.rejects(
          fx.identity.oauth.token(SOURCE, CONSOLE, {
            grant_type: 'password',
            username,
            password: username === 'dave' ? 'correct horse' : 'x',
          }),
          (err: OAuthError) => (locked.push(err.message), true),
        );
      }
      assert.match(locked[0], /temporarily locked.*try again after 2026-/);
      assert.equal(locked[0], locked[1]);
      await settle();
      const dave = await fx.identity.users.unlock(callerFor({ username: 'admin', uid: '', groups: [] }, true), 'dave');
      assert.equal(dave.status?.state, 'Active');
      const ok = await login('dave', 'correct horse');
      assert.ok(ok.access_token);
    });

    it('ends the lock after its duration', async () => {
      await createUser(fx.identity, 'erin');
      for (let i = 0; i < 3; i++) {
        await rejects(login('erin', 'nope-nope'), 'invalid_grant');
      }
      await settle();
      await rejects(login('erin', 'correct horse'), 'invalid_grant', /locked/);
      fx.clock.advance(601);
      assert.ok((await login('erin', 'correct horse')).access_token);
    });

    it('says "disabled" only after a correct password', async () => {
      await createUser(fx.identity, 'frank', 'correct horse', { disabled: true });
      await rejects(login('frank', 'wrong-one'), 'invalid_grant', /invalid username or password/);
      await rejects(login('frank', 'correct horse'), 'invalid_grant', /disabled/);
    });

    it('records attempts with source, user agent and reason', async () => {
      await settle();
      const records = await fx.identity.records.list('frank');
      assert.deepEqual(records.map((r) => r.spec.reason).sort(), ['Disabled', 'InvalidCredentials']);
      assert.equal(records[0].spec.sourceIP, '192.0.2.1');
      assert.equal(records[0].spec.userAgent, 'test');
    });
  });

  describe('refresh_token grant', () => {
    it('rotates: the new refresh token works, the spent one revokes the whole family', async () => {
      const first = await login('alice', 'correct horse');
      const second = await fx.identity.oauth.token(SOURCE, CONSOLE, {
        grant_type: 'refresh_token',
        refresh_token: first.refresh_token!,
      });
      assert.notEqual(second.refresh_token, first.refresh_token);
      assert.equal(fx.identity.tokens.verify(second.access_token).user.username, 'alice');
      await rejects(
        fx.identity.oauth.token(SOURCE, CONSOLE, { grant_type: 'refresh_token', refresh_token: first.refresh_token! }),
        'invalid_grant',
        /already used/,
      );
      assert.throws(() => fx.identity.tokens.verify(second.access_token), UnauthorizedError);
      assert.throws(() => fx.identity.tokens.verify(first.access_token), UnauthorizedError);
      await rejects(
        fx.identity.oauth.token(SOURCE, CONSOLE, { grant_type: 'refresh_token', refresh_token: second.refresh_token! }),
        'invalid_grant',
        /revoked/,
      );
    });

    it('refuses a refresh token of another client and a made-up one', async () => {
      const first = await login('alice', 'correct horse');
      await rejects(
        fx.identity.oauth.token(
          SOURCE,
          { clientId: 'mortise-cli' },
          { grant_type: 'refresh_token', refresh_token: first.refresh_token! },
        ),
        'invalid_grant',
      );
      await rejects(
        fx.identity.oauth.token(SOURCE, CONSOLE, {
          grant_type: 'refresh_token',
          refresh_token: `${first.refresh_token!.split('.')[0]}.forged`,
        }),
        'invalid_grant',
        /invalid/,
      );
    });
  });

  describe('client_credentials grant', () => {
    it('issues a token acting as the configured user, without a refresh token, to a client with the right secret', async () => {
      const res = await fx.identity.oauth.token(
        SOURCE,
        { clientId: 'robot', clientSecret: 's3cret' },
        { grant_type: 'client_credentials' },
      );
      assert.equal(res.refresh_token, undefined);
      const caller = fx.identity.tokens.verify(res.access_token);
      assert.equal(caller.user.username, 'robot-user');
      assert.equal(caller.clientId, 'robot');
      await rejects(
        fx.identity.oauth.token(
          SOURCE,
          { clientId: 'robot', clientSecret: 'wrong' },
          { grant_type: 'client_credentials' },
        ),
        'invalid_client',
      );
      await rejects(
        fx.identity.oauth.token(SOURCE, CONSOLE, { grant_type: 'client_credentials' }),
        'unauthorized_client',
      );
    });
  });

  describe('revocation (RFC 7009) and password change', () => {
    it('revoking an access token or a refresh token ends the session', async () => {
      for (const which of ['access_token', 'refresh_token'] as const) {
        const res = await login('alice', 'correct horse');
        await fx.identity.oauth.revoke(CONSOLE, res[which]);
        assert.throws(() => fx.identity.tokens.verify(res.access_token), /revoked/);
        await rejects(
          fx.identity.oauth.token(SOURCE, CONSOLE, { grant_type: 'refresh_token', refresh_token: res.refresh_token! }),
          'invalid_grant',
        );
      }
      await fx.identity.oauth.revoke(CONSOLE, 'unknown-token');
    });

    it('a password change ends every session of the user', async () => {
      const res = await login('alice', 'correct horse');
      const alice = fx.identity.tokens.verify(res.access_token);
      await fx.identity.users.changePassword(alice, 'alice', {
        currentPassword: 'correct horse',
        password: 'battery staple',
      });
      assert.throws(() => fx.identity.tokens.verify(res.access_token), /revoked/);
      await rejects(login('alice', 'correct horse'), 'invalid_grant');
      assert.ok((await login('alice', 'battery staple')).access_token);
    });
  });
});
