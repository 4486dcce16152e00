import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { startTestKernel, type TestKernel } from '../testing/kernel-fixture.js';
import { createUser } from '../testing/identity.js';

describe('identity with a real OIDC client (openid-client)', () => {
  let k: TestKernel;
  let config: oidc.Configuration;

  before(async () => {
    k = await startTestKernel();
    await createUser(k, 'alice', 'correct horse', { displayName: 'Alice' });
    config = await oidc.discovery(new URL(k.url), 'console', undefined, oidc.None(), {
      execute: [oidc.allowInsecureRequests],
    });
  });
  after(() => k.close());

  it('discovers the issuer and its endpoints', () => {
    const metadata = config.serverMetadata();
    assert.equal(new URL(metadata.issuer).href, new URL(k.url).href);
    assert.equal(metadata.token_endpoint, `${k.url}/oauth/token`);
    assert.equal(metadata.jwks_uri, `${k.url}/oauth/keys`);
  });

  it('logs in with the password grant, refreshes, reads userinfo and revokes', async () => {
    const tokens = await oidc.genericGrantRequest(config, 'password', { username: 'alice', password: 'correct horse' });
    assert.equal(tokens.token_type, 'bearer');
    assert.ok(tokens.refresh_token);

    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token);
    assert.notEqual(refreshed.refresh_token, tokens.refresh_token);

    const info = await oidc.fetchUserInfo(config, refreshed.access_token, 'alice');
    assert.equal(info.preferred_username, 'alice');
    assert.equal(info.name, 'Alice');
    assert.equal(info.email, 'alice@example.com');

    await oidc.tokenRevocation(config, refreshed.access_token);
    await assert.rejects(oidc.fetchUserInfo(config, refreshed.access_token, 'alice'));
    await assert.rejects(oidc.refreshTokenGrant(config, refreshed.refresh_token!), (err: oidc.ResponseBodyError) => {
      assert.equal(err.error, 'invalid_grant');
      return true;
    });
  });

  it('reports a wrong password as invalid_grant', async () => {
    await assert.rejects(
      oidc.genericGrantRequest(config, 'password', { username: 'alice', password: 'wrong password' }),
      (err: oidc.ResponseBodyError) => {
        assert.equal(err.error, 'invalid_grant');
        return true;
      },
    );
  });
});
