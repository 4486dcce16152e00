import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UnauthorizedError } from '@mortise/api';
import {
  IAM_API_VERSION,
  OAUTH_CLIENT_KIND,
  REFRESH_TOKEN_KIND,
  USER_LABEL,
  type OAuthClient,
  type RefreshTokenFamily,
} from './iam-kinds.js';
import { OAuthError } from './oauth-error.js';
import { sha256Hex } from './secret-digest.js';
import { createUser, settle, startIdentity, type IdentityFixture } from './testing/identity-fixture.js';

const SOURCE = { ip: '192.0.2.1', userAgent: 'test' };
const GRANT = { grant_type: 'client_credentials' };

function clientObject(id: string, actAs: string, secret: string, secretId: string): OAuthClient {
  return {
    apiVersion: IAM_API_VERSION,
    kind: OAUTH_CLIENT_KIND.kind,
    metadata: { name: id },
    spec: { actAs, secretHash: `sha256:${sha256Hex(secret)}`, secretId, accessTokenTtlSeconds: 600 },
  };
}

async function rejectsWith(promise: Promise<unknown>, error: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => err instanceof OAuthError && err.error === error);
}

describe('provisioned OAuth clients (OAuthClient objects)', () => {
  let fx: IdentityFixture;
  const token = (clientId: string, clientSecret: string) =>
    fx.identity.oauth.token(SOURCE, { clientId, clientSecret }, GRANT);

  before(async () => {
    fx = await startIdentity({
      clients: [
        {
          id: 'shadowed',
          secretHash: `sha256:${sha256Hex('configured')}`,
          grantTypes: ['client_credentials'],
          actAs: 'bob',
        },
      ],
    });
    await createUser(fx.identity, 'bob');
    await fx.store.create(clientObject('ext-notes', 'ext:notes', 'first-secret', 'secret-1'));
    await fx.store.create(clientObject('shadowed', 'ext:shadow', 'stored', 'secret-s'));
    await fx.store.create(clientObject('impostor', 'bob', 'impostor-secret', 'secret-i'));
    await settle();
  });
  after(() => fx.identity.stop());

  it('issues a token standing for the service identity, uid = the secret id, no refresh token, the client TTL', async () => {
    const res = await token('ext-notes', 'first-secret');
    assert.equal(res.refresh_token, undefined);
    assert.equal(res.expires_in, 600);
    const caller = fx.identity.tokens.verify(res.access_token);
    assert.equal(caller.user.username, 'ext:notes');
    assert.equal(caller.user.uid, 'secret-1');
    assert.equal(caller.clientId, 'ext-notes');
    const sessions = (await fx.store.list(REFRESH_TOKEN_KIND)).items as RefreshTokenFamily[];
    const session = sessions.find((family) => family.spec.username === 'ext:notes');
    assert.equal(session?.metadata.labels?.[USER_LABEL], undefined, 'ext:notes is no valid label value');
    assert.deepEqual(await fx.identity.oauth.userinfo(caller), {
      sub: 'ext:notes',
      preferred_username: 'ext:notes',
      groups: [],
    });
  });

  it('refuses a wrong secret, and grants other than client_credentials', async () => {
    await rejectsWith(token('ext-notes', 'wrong'), 'invalid_client');
    await rejectsWith(
      fx.identity.oauth.token(
        SOURCE,
        { clientId: 'ext-notes', clientSecret: 'first-secret' },
        { grant_type: 'password', username: 'bob', password: 'correct horse' },
      ),
      'unauthorized_client',
    );
  });

  it('ignores a stored client acting as a name a User can have', async () => {
    await rejectsWith(token('impostor', 'impostor-secret'), 'invalid_client');
  });

  it('a configured client of the same id wins over the stored one', async () => {
    await rejectsWith(token('shadowed', 'stored'), 'invalid_client');
    const caller = fx.identity.tokens.verify((await token('shadowed', 'configured')).access_token);
    assert.equal(caller.user.username, 'bob');
  });

  it('a new secret refuses the old one and ends the tokens obtained with it', async () => {
    const old = (await token('ext-notes', 'first-secret')).access_token;
    const stored = (await fx.store.get({ ...OAUTH_CLIENT_KIND, name: 'ext-notes' })) as OAuthClient;
    await fx.store.update({
      ...clientObject('ext-notes', 'ext:notes', 'second-secret', 'secret-2'),
      metadata: stored.metadata,
    });
    await settle();
    assert.throws(() => fx.identity.tokens.verify(old), UnauthorizedError);
    await rejectsWith(token('ext-notes', 'first-secret'), 'invalid_client');
    assert.equal(
      fx.identity.tokens.verify((await token('ext-notes', 'second-secret')).access_token).user.uid,
      'secret-2',
    );
  });

  it('deleting the client refuses its secret and ends every token it got', async () => {
    const live = (await token('ext-notes', 'second-secret')).access_token;
    await fx.store.delete({ ...OAUTH_CLIENT_KIND, name: 'ext-notes' });
    await settle();
    assert.throws(() => fx.identity.tokens.verify(live), UnauthorizedError);
    await rejectsWith(token('ext-notes', 'second-secret'), 'invalid_client');
  });
});
