import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import { IdentityTokenIssuer } from './identity-token-issuer.js';
import type { IdentityClaims, IdentityTokenSigner } from './identity-token-signer.js';

/** Signs nothing: the "token" is the claims as JSON, and every call is counted. */
class CountingSigner implements IdentityTokenSigner {
  calls = 0;
  async sign(claims: IdentityClaims): Promise<string> {
    this.calls += 1;
    return `h.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.s`;
  }
}

const alice = { username: 'alice', uid: 'u1', groups: ['devs'] };

describe(IdentityTokenIssuer.name, () => {
  it('signs once per user, audience and scope for most of the lifetime, then reissues', async () => {
    let now = 1_000_000;
    const signer = new CountingSigner();
    const issuer = new IdentityTokenIssuer(signer, { issuer: () => 'https://k', now: () => now });
    const first = await issuer.tokenFor(alice, { audience: 'ext:a', workspace: 'ws1' });
    assert.equal(issuer.tokenFor(alice, { audience: 'ext:a', workspace: 'ws1' }), first, 'cache hit is synchronous');
    await issuer.tokenFor(alice, { audience: 'ext:b', workspace: 'ws1' });
    await issuer.tokenFor(alice, { audience: 'ext:a', workspace: 'ws2' });
    await issuer.tokenFor({ ...alice, groups: ['admins'] }, { audience: 'ext:a', workspace: 'ws1' });
    assert.equal(signer.calls, 4);
    now += 44_000;
    assert.equal(issuer.tokenFor(alice, { audience: 'ext:a', workspace: 'ws1' }), first);
    now += 2_000;
    const renewed = await issuer.tokenFor(alice, { audience: 'ext:a', workspace: 'ws1' });
    assert.notEqual(renewed, first);
    const claims = decodeJwt(renewed);
    assert.deepEqual(
      [claims.iss, claims.aud, claims.sub, claims.ws, (claims.exp ?? 0) - (claims.iat ?? 0)],
      ['https://k', 'ext:a', 'alice', 'ws1', 60],
    );
  });

  it('shares tokens between equal user objects and forgets all of them on clear', async () => {
    const now = 1_000_000;
    const signer = new CountingSigner();
    const issuer = new IdentityTokenIssuer(signer, { issuer: 'https://k', now: () => now });
    const first = await issuer.tokenFor(alice, { audience: 'ext:a' });
    const copy = { ...alice, groups: [...alice.groups] };
    assert.equal(issuer.tokenFor(copy, { audience: 'ext:a' }), first, 'same name and groups: same token, no signing');
    assert.equal(issuer.tokenFor(copy, { audience: 'ext:a' }), first);
    assert.equal(signer.calls, 1);
    issuer.clear();
    const afterClear = issuer.tokenFor(alice, { audience: 'ext:a' });
    assert.ok(afterClear instanceof Promise, 'a cleared cache signs again, for the same user object too');
    await afterClear;
    assert.equal(typeof issuer.tokenFor(copy, { audience: 'ext:a' }), 'string');
    assert.equal(signer.calls, 2);
  });

  it('reissues for a user object it remembers once the token nears expiry', async () => {
    let now = 1_000_000;
    const signer = new CountingSigner();
    const issuer = new IdentityTokenIssuer(signer, { issuer: 'https://k', now: () => now });
    const first = await issuer.tokenFor(alice, { audience: 'ext:a', project: 'p1' });
    assert.equal(issuer.tokenFor(alice, { audience: 'ext:a', project: 'p1' }), first);
    now += 46_000;
    const renewed = issuer.tokenFor(alice, { audience: 'ext:a', project: 'p1' });
    assert.ok(renewed instanceof Promise);
    assert.notEqual(await renewed, first);
    assert.equal(issuer.tokenFor(alice, { audience: 'ext:a', project: 'p1' }), await renewed);
    assert.equal(signer.calls, 2);
  });
});
