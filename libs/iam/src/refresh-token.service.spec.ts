import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NotFoundError } from '@mortise/api';
import { REFRESH_TOKEN_KIND } from './iam-kinds.js';
import { RefreshTokenService } from './refresh-token.service.js';
import { createUser, startIdentity, type IdentityFixture } from './testing/identity-fixture.js';

describe(RefreshTokenService.name, () => {
  let fx: IdentityFixture;
  before(async () => {
    fx = await startIdentity({ accessTokenTtlSeconds: 600, sessionMaxAgeSeconds: 3600 });
  });
  after(() => fx.identity.stop());

  it('stores only hashes of refresh tokens', async () => {
    const alice = await createUser(fx.identity, 'alice');
    const session = await fx.identity.sessions.open(alice, 'console', 600);
    const stored = await fx.store.get({ ...REFRESH_TOKEN_KIND, name: session.sid });
    assert.ok(!JSON.stringify(stored).includes(session.refreshToken!.split('.')[1]));
  });

  it('removes a session once it and its access tokens have expired, revoked or not', async () => {
    const bob = await createUser(fx.identity, 'bob');
    const kept = await fx.identity.sessions.open(bob, 'console', 600);
    const revoked = await fx.identity.sessions.open(bob, 'console', undefined);
    await fx.identity.sessions.revoke(revoked.sid, 'test');
    fx.clock.advance(2 * 600 + 1);
    assert.equal(await fx.identity.sessions.collectGarbage(), 1);
    await assert.rejects(fx.store.get({ ...REFRESH_TOKEN_KIND, name: revoked.sid }), NotFoundError);
    await fx.store.get({ ...REFRESH_TOKEN_KIND, name: kept.sid });
    fx.clock.advance(3600);
    assert.ok((await fx.identity.sessions.collectGarbage()) >= 1);
    await assert.rejects(fx.store.get({ ...REFRESH_TOKEN_KIND, name: kept.sid }), NotFoundError);
  });
});
