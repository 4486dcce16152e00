import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  APIKeyKind,
  InvalidError,
  NotFoundError,
  UserKind,
  type AdmissionRequest,
  type Caller,
  type KindDefinition,
  type Resource,
} from '@mortise/api';
import { apiKeyAdmission, userAdmission } from './identity-admission.js';
import { API_KEY_SECRET_KIND, IAM_API_VERSION, PASSWORD_CREDENTIAL_KIND, type APIKey } from './iam-kinds.js';
import { callerFor, createUser, startIdentity, userObject, type IdentityFixture } from './testing/identity-fixture.js';

function request(
  operation: AdmissionRequest['operation'],
  caller: Caller,
  object: Resource,
  kind: KindDefinition = UserKind,
): AdmissionRequest {
  return { operation, caller, kind, object, options: {} };
}

describe(userAdmission.name, () => {
  let fx: IdentityFixture;
  before(async () => {
    fx = await startIdentity();
  });
  after(() => fx.identity.stop());

  it('strips the password before the User is stored and stores its hash after', async () => {
    const plugin = userAdmission(fx.identity);
    const admin = callerFor({ username: 'root', uid: '', groups: [] }, true);
    const create = request('create', admin, userObject('gina', { password: 'correct horse' }));
    await plugin.admit!(create);
    assert.equal((create.object.spec as { password?: string }).password, undefined);
    const stored = await fx.store.create(create.object);
    assert.ok(!JSON.stringify(stored).includes('correct horse'));
    await plugin.written!(create, stored);
    await fx.store.get({ ...PASSWORD_CREDENTIAL_KIND, name: 'gina' });
    await assert.rejects(
      Promise.resolve(plugin.admit!(request('update', admin, userObject('gina', { password: 'new password' })))),
      InvalidError,
    );
    await plugin.written!(request('delete', admin, stored), stored);
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
    const plugin = apiKeyAdmission(fx.identity);
    const alice = callerFor(await createUser(fx.identity, 'alice'));
    const bob = callerFor(await createUser(fx.identity, 'bob'));
    const object: Resource = { apiVersion: IAM_API_VERSION, kind: 'APIKey', metadata: { name: 'mine' }, spec: {} };
    const create = request('create', alice, object, APIKeyKind);
    await plugin.admit!(create);
    assert.match(object.metadata.name, /^[0-9a-f]{20}$/);
    const stored = await fx.store.create(object);
    const answered = (await plugin.written!(create, stored)) as APIKey;
    assert.match(answered.status!.secret!, /^mrt_/);
    assert.equal((await fx.store.get({ ...API_KEY_SECRET_KIND, name: stored.metadata.name })).kind, 'APIKeySecret');
    assert.equal(plugin.listSelector!(alice, APIKeyKind), 'iam.mortise.io/user=alice');
    plugin.checkAccess!(alice, stored);
    assert.throws(() => plugin.checkAccess!(bob, stored), NotFoundError);
    const changed = { ...stored, spec: { ...(stored.spec as object), owner: 'bob' } };
    const update = { ...request('update', alice, changed, APIKeyKind), oldObject: stored };
    await assert.rejects(Promise.resolve(plugin.admit!(update)), InvalidError);
  });
});
