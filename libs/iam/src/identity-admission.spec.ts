import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidError, NotFoundError, type Resource } from '@mortise/api';
import { apiKeyAdmission, userAdmission } from './identity-admission.js';
import { API_KEY_SECRET_KIND, IAM_API_VERSION, PASSWORD_CREDENTIAL_KIND, type APIKey } from './iam-kinds.js';
import { callerFor, createUser, startIdentity, userObject, type IdentityFixture } from './testing/identity-fixture.js';

describe(userAdmission.name, () => {
  let fx: IdentityFixture;
  before(async () => {
    fx = await startIdentity();
  });
  after(() => fx.identity.stop());

  it('strips the password before the User is stored and stores its hash after', async () => {
    const admission = userAdmission(fx.identity);
    const admin = callerFor({ username: 'root', uid: '', groups: [] }, true);
    const object: Resource = userObject('gina', { password: 'correct horse' });
    const afterCreate = await admission.admitCreate!(admin, object);
    assert.equal((object.spec as { password?: string }).password, undefined);
    const stored = await fx.store.create(object);
    assert.ok(!JSON.stringify(stored).includes('correct horse'));
    await afterCreate!(stored);
    await fx.store.get({ ...PASSWORD_CREDENTIAL_KIND, name: 'gina' });
    assert.throws(
      () => admission.admitUpdate!(admin, userObject('gina', { password: 'new password' }), stored),
      InvalidError,
    );
    await admission.afterDelete!(admin, stored);
    await assert.rejects(fx.store.get({ ...PASSWORD_CREDENTIAL_KIND, name: 'gina' }), NotFoundError);
  });
});

describe(apiKeyAdmission.name, () => {
  let fx: IdentityFixture;
  before(async () => {
    fx = await startIdentity();
  });
  after(() => fx.identity.stop());

  it("generates the key on create, answers it once, and hides other users' keys", async () => {
    const admission = apiKeyAdmission(fx.identity);
    const alice = callerFor(await createUser(fx.identity, 'alice'));
    const bob = callerFor(await createUser(fx.identity, 'bob'));
    const object: Resource = { apiVersion: IAM_API_VERSION, kind: 'APIKey', metadata: { name: 'mine' }, spec: {} };
    const afterCreate = await admission.admitCreate!(alice, object);
    assert.match(object.metadata.name, /^[0-9a-f]{20}$/);
    const stored = await fx.store.create(object);
    const answered = (await afterCreate!(stored)) as APIKey;
    assert.match(answered.status!.secret!, /^mrt_/);
    assert.equal((await fx.store.get({ ...API_KEY_SECRET_KIND, name: stored.metadata.name })).kind, 'APIKeySecret');
    assert.equal(admission.listSelector!(alice), 'iam.mortise.io/user=alice');
    admission.checkAccess!(alice, stored);
    assert.throws(() => admission.checkAccess!(bob, stored), NotFoundError);
    const changed = { ...stored, spec: { ...(stored.spec as object), owner: 'bob' } };
    assert.throws(() => admission.admitUpdate!(alice, changed, stored), InvalidError);
  });
});
