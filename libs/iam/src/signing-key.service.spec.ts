import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { MemoryStore } from '@mortise/store';
import { SIGNING_KEY_KIND } from './iam-kinds.js';
import { SigningKeyService } from './signing-key.service.js';
import { ManualClock, startIdentity } from './testing/identity-fixture.js';

describe(SigningKeyService.name, () => {
  it('generates a key on first start and reuses it on the next start', async () => {
    const store = new MemoryStore();
    const clock = new ManualClock();
    const first = await startIdentity({}, { store, clock });
    const second = await startIdentity({}, { store, clock });
    assert.equal(second.identity.keys.signingKey().kid, first.identity.keys.signingKey().kid);
    assert.equal((await store.list(SIGNING_KEY_KIND)).items.length, 1);
    first.identity.stop();
    second.identity.stop();
  });

  it('encrypts private keys at rest when a key-encryption key is configured', async () => {
    const fx = await startIdentity({ keyEncryptionKey: randomBytes(32).toString('base64') });
    const [stored] = (await fx.store.list(SIGNING_KEY_KIND)).items;
    const privateKey = (stored.spec as { privateKey: string }).privateKey;
    assert.match(privateKey, /^enc:v1:/);
    assert.ok(!privateKey.includes('PRIVATE KEY'));
    fx.identity.stop();
  });

  it('publishes previous keys until every token they signed has expired, then drops them', async () => {
    const fx = await startIdentity({ accessTokenTtlSeconds: 600 });
    const old = fx.identity.keys.signingKey();
    await fx.identity.keys.rotate();
    assert.equal(fx.identity.keys.jwks().keys.length, 2);
    fx.clock.advance(600 + 61);
    await fx.identity.keys.rotate();
    const kids = fx.identity.keys.jwks().keys.map((k) => k.kid);
    assert.equal(kids.includes(old.kid), false);
    assert.equal(fx.identity.keys.find(old.kid), undefined);
    assert.deepEqual(Object.keys(fx.identity.keys.jwks().keys[0]).sort(), [
      'alg',
      'crv',
      'kid',
      'kty',
      'use',
      'x',
      'y',
    ]);
    fx.identity.stop();
  });

  it('rotates on schedule once per period, even with two replicas', async () => {
    const store = new MemoryStore();
    const clock = new ManualClock();
    const a = await startIdentity({ signingKeyRotationSeconds: 3600 }, { store, clock });
    const b = await startIdentity({ signingKeyRotationSeconds: 3600 }, { store, clock });
    clock.advance(3601);
    await Promise.all([a.identity.keys.rotateIfDue(), b.identity.keys.rotateIfDue()]);
    assert.equal((await store.list(SIGNING_KEY_KIND)).items.length, 2);
    a.identity.stop();
    b.identity.stop();
  });

  it('rotates on schedule only where its controller runs (the leader), at once when due and again each period', async () => {
    const store = new MemoryStore();
    const clock = new ManualClock();
    const leader = await startIdentity({ signingKeyRotationSeconds: 3600 }, { store, clock });
    const follower = await startIdentity({ signingKeyRotationSeconds: 3600 }, { store, clock });
    clock.advance(3601);
    const controller = leader.identity.controllers.find((c) => c.name === 'key-rotation')!;
    await controller.start();
    const deadline = Date.now() + 5_000;
    while ((await store.list(SIGNING_KEY_KIND)).items.length < 2 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    await controller.stop();
    assert.equal((await store.list(SIGNING_KEY_KIND)).items.length, 2);
    const rotated = leader.identity.keys.signingKey().kid;
    assert.match(rotated, /^k-period-/);
    while (follower.identity.keys.signingKey().kid !== rotated && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(follower.identity.keys.signingKey().kid, rotated, 'the follower signs with the key the leader made');
    leader.identity.stop();
    follower.identity.stop();
  });
});
