import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ForbiddenError, InvalidError, UnauthorizedError, type Caller } from '@mortise/api';
import { ApiKeyService } from './api-key.service.js';
import { API_KEY_KIND, API_KEY_SECRET_KIND, IAM_API_VERSION, USER_KIND, type APIKey } from './iam-kinds.js';
import { callerFor, createUser, settle, startIdentity, type IdentityFixture } from './testing/identity-fixture.js';

function keyRequest(spec: Partial<APIKey['spec']> = {}): APIKey {
  return { apiVersion: IAM_API_VERSION, kind: 'APIKey', metadata: { name: '' }, spec: { owner: undefined!, ...spec } };
}

describe(ApiKeyService.name, () => {
  let fx: IdentityFixture;
  let alice: Caller;
  let bob: Caller;

  before(async () => {
    fx = await startIdentity();
    alice = callerFor(await createUser(fx.identity, 'alice'));
    bob = callerFor(await createUser(fx.identity, 'bob'));
  });
  after(() => fx.identity.stop());

  it('shows the key once, stores only its SHA-256 apart from the APIKey, and authenticates it', async () => {
    const created = await fx.identity.apiKeys.create(alice, keyRequest({ description: 'ci' }));
    const secret = created.status!.secret!;
    assert.match(secret, new RegExp(`^mrt_${created.metadata.name}_[A-Za-z0-9_-]{43}$`));
    assert.equal(created.spec.owner, 'alice');
    const stored = await fx.store.get({ ...API_KEY_KIND, name: created.metadata.name });
    assert.ok(!JSON.stringify(stored).includes(secret.slice(-43)), 'the stored APIKey holds no secret');
    assert.equal(JSON.stringify(stored).includes('hash'), false);
    const hash = await fx.store.get({ ...API_KEY_SECRET_KIND, name: created.metadata.name });
    assert.match((hash.spec as { hash: string }).hash, /^[0-9a-f]{64}$/);
    const caller = await fx.identity.apiKeys.authenticate(secret);
    assert.equal(caller.user.username, 'alice');
    assert.equal(caller.credential, 'apikey');
    assert.equal(caller.credentialId, created.metadata.name);
  });

  it('rejects a wrong secret, an unknown id and a malformed key', async () => {
    const created = await fx.identity.apiKeys.create(alice, keyRequest());
    const secret = created.status!.secret!;
    const wrong = secret.slice(0, -4) + (secret.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    for (const bad of [wrong, 'mrt_00000000000000000000_x', 'mrt_nope', 'mrt_']) {
      await assert.rejects(fx.identity.apiKeys.authenticate(bad), UnauthorizedError, bad);
    }
  });

  it('stops authenticating a deleted key, an expired key and a disabled owner', async () => {
    const deleted = await fx.identity.apiKeys.create(alice, keyRequest());
    await fx.identity.apiKeys.authenticate(deleted.status!.secret!);
    await fx.store.delete({ ...API_KEY_KIND, name: deleted.metadata.name });
    await settle();
    await assert.rejects(fx.identity.apiKeys.authenticate(deleted.status!.secret!), UnauthorizedError);

    const expiring = await fx.identity.apiKeys.create(
      alice,
      keyRequest({ expiresAt: new Date(fx.clock.now() + 60_000).toISOString() }),
    );
    await fx.identity.apiKeys.authenticate(expiring.status!.secret!);
    fx.clock.advance(61);
    await assert.rejects(fx.identity.apiKeys.authenticate(expiring.status!.secret!), UnauthorizedError);

    const bobs = await fx.identity.apiKeys.create(bob, keyRequest());
    await fx.store.patch({ ...USER_KIND, name: 'bob' }, { type: 'merge', patch: { spec: { disabled: true } } });
    await settle();
    await assert.rejects(fx.identity.apiKeys.authenticate(bobs.status!.secret!), /disabled/);
  });

  it('answers a verified key synchronously with the same caller until its owner changes', async () => {
    const carol = callerFor(await createUser(fx.identity, 'carol'));
    const key = await fx.identity.apiKeys.create(carol, keyRequest());
    const secret = key.status!.secret!;
    const first = await fx.identity.apiKeys.resolve(secret);
    const again = fx.identity.apiKeys.resolve(secret);
    assert.ok(!(again instanceof Promise), 'a verified key needs no promise');
    assert.equal(again, first);
    await fx.store.patch({ ...USER_KIND, name: 'carol' }, { type: 'merge', patch: { spec: { groups: ['auditors'] } } });
    await settle();
    const changed = fx.identity.apiKeys.resolve(secret) as Caller;
    assert.notEqual(changed, first);
    assert.ok(changed.user.groups.includes('auditors'));
    await fx.store.patch({ ...USER_KIND, name: 'carol' }, { type: 'merge', patch: { spec: { disabled: true } } });
    await settle();
    assert.throws(() => fx.identity.apiKeys.resolve(secret), /disabled/);
  });

  it('refuses a key whose owner is no user: it could never authenticate', async () => {
    const admin = callerFor({ username: 'root', uid: '', groups: [] }, true);
    const service = callerFor({ username: 'ext:notes', uid: 's1', groups: [] });
    await assert.rejects(
      fx.identity.apiKeys.admitNewKey(service, keyRequest()),
      (err: Error) => err instanceof InvalidError && /service identity.*OAuth client credentials/.test(err.message),
    );
    await assert.rejects(
      fx.identity.apiKeys.admitNewKey(admin, keyRequest({ owner: 'nobody' })),
      (err: Error) => err instanceof InvalidError && /no user "nobody"/.test(err.message),
    );
    const admitted = await fx.identity.apiKeys.admitNewKey(admin, keyRequest({ owner: 'bob' }));
    assert.equal(admitted.key.spec.owner, 'bob');
  });

  it('lets a user create keys only for themselves, and list only their own', async () => {
    await assert.rejects(fx.identity.apiKeys.admitNewKey(alice, keyRequest({ owner: 'bob' })), ForbiddenError);
    assert.equal(fx.identity.apiKeys.ownerSelector(alice), 'iam.mortise.io/user=alice');
    assert.equal(
      fx.identity.apiKeys.ownerSelector(callerFor({ username: 'root', uid: '', groups: [] }, true)),
      undefined,
    );
    const own = await fx.store.list(API_KEY_KIND, { labelSelector: fx.identity.apiKeys.ownerSelector(bob)! });
    assert.ok(own.items.every((k) => (k as APIKey).spec.owner === 'bob'));
  });
});
