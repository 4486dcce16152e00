import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UnauthorizedError } from '@mortise/api';
import { SessionCookieAuthenticator, sessionCookieOf } from './session-cookie.authenticator.js';
import { createUser, startIdentity, type IdentityFixture } from './testing/identity-fixture.js';

describe(SessionCookieAuthenticator.name, () => {
  let fx: IdentityFixture;
  let token: string;
  before(async () => {
    fx = await startIdentity();
    const alice = await createUser(fx.identity, 'alice');
    sid = (await fx.identity.sessions.open(alice, 'console', undefined)).sid;
    token = fx.identity.tokens.issue(alice, 'console', sid, 600).token;
  });
  after(() => fx.identity.stop());
  let sid: string;

  const request = (method: string, headers: Record<string, string>) => ({
    method,
    url: '/x',
    ip: '127.0.0.1',
    headers,
  });

  it('finds the session cookie among others', () => {
    assert.equal(sessionCookieOf({ headers: { cookie: `a=1; mortise_session=${token}; b=2` } }), token);
    assert.equal(sessionCookieOf({ headers: { cookie: 'mortise_session_x=1' } }), undefined);
  });

  it('authenticates safe methods by cookie and needs the CSRF header for unsafe ones', () => {
    const authenticator = new SessionCookieAuthenticator(fx.identity.tokens);
    const cookie = `mortise_session=${token}`;
    assert.equal(authenticator.authenticate(request('GET', { cookie }))?.credential, 'cookie');
    assert.throws(() => authenticator.authenticate(request('POST', { cookie })), UnauthorizedError);
    assert.throws(
      () => authenticator.authenticate(request('DELETE', { cookie, 'x-mortise-csrf': 'guess' })),
      UnauthorizedError,
    );
    const csrf = fx.identity.tokens.csrfFor(token);
    assert.equal(
      authenticator.authenticate(request('POST', { cookie, 'x-mortise-csrf': csrf }))?.user.username,
      'alice',
    );
    assert.equal(authenticator.authenticate(request('GET', {})), undefined);
  });

  it('gives the same caller for the same cookie until the session is revoked', async () => {
    const authenticator = new SessionCookieAuthenticator(fx.identity.tokens);
    const cookie = `mortise_session=${token}`;
    const first = authenticator.authenticate(request('GET', { cookie }));
    assert.equal(authenticator.authenticate(request('GET', { cookie })), first);
    assert.equal(fx.identity.tokens.verify(token).credential, 'token');
    await fx.identity.sessions.revoke(sid, 'logout');
    assert.throws(() => authenticator.authenticate(request('GET', { cookie })), UnauthorizedError);
  });
});
