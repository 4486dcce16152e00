import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { SignJWT, type JWK } from 'jose';
import { UnauthorizedError } from '@mortise/api';
import { IDENTITY_TOKEN_TYPE, createIdentityVerifier } from './verify-identity.js';

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const jwks = { keys: [{ ...(publicKey.export({ format: 'jwk' }) as JWK), kid: 'k1', alg: 'ES256', use: 'sig' }] };
const verify = createIdentityVerifier({ issuer: 'https://kernel', audience: 'ext:sample', jwks });

async function token(
  overrides: { typ?: string; aud?: string; exp?: number; key?: typeof privateKey; iss?: string } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ groups: ['devs'], ws: 'ws1', uid: 'u1' })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: overrides.typ ?? IDENTITY_TOKEN_TYPE })
    .setSubject('alice')
    .setIssuer(overrides.iss ?? 'https://kernel')
    .setAudience(overrides.aud ?? 'ext:sample')
    .setIssuedAt(now)
    .setExpirationTime(overrides.exp ?? now + 60)
    .sign(overrides.key ?? privateKey);
}

describe(createIdentityVerifier.name, () => {
  it('returns the caller from a valid token, given as a string or in the headers', async () => {
    const identity = await verify(await token());
    assert.deepEqual(
      [identity.username, identity.uid, identity.groups, identity.workspace],
      ['alice', 'u1', ['devs'], 'ws1'],
    );
    assert.equal((await verify({ 'x-mortise-identity': await token() })).username, 'alice');
    assert.equal((await verify(new Headers({ 'X-Mortise-Identity': await token() }))).username, 'alice');
  });

  const refusals: Array<[string, () => Promise<string>]> = [
    ['another audience', () => token({ aud: 'ext:other' })],
    ['another issuer', () => token({ iss: 'https://evil' })],
    ['an access token type', () => token({ typ: 'JWT' })],
    ['an expired token', () => token({ exp: Math.floor(Date.now() / 1000) - 120 })],
    ['a foreign key', () => token({ key: other.privateKey })],
    ['garbage', async () => 'not.a.jwt'],
  ];
  for (const [what, make] of refusals) {
    it(`refuses ${what}`, async () => {
      await assert.rejects(verify(await make()), UnauthorizedError);
    });
  }

  it('refuses a request without the header', async () => {
    await assert.rejects(verify({}), /did not come through the gateway/);
  });
});
