import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ForbiddenError, InvalidError, NotFoundError, UnauthorizedError } from '@mortise/api';
import { bootstrapAdmin } from './admin-bootstrap.js';
import { PASSWORD_CREDENTIAL_KIND, USER_KIND, type User } from './iam-kinds.js';
import { UserService } from './user.service.js';
import { callerFor, createUser, startIdentity, userObject, type IdentityFixture } from './testing/identity-fixture.js';

describe(UserService.name, () => {
  let fx: IdentityFixture;

  before(async () => {
    fx = await startIdentity();
  });
  after(() => fx.identity.stop());

  describe('create', () => {
    it('hashes the password with argon2id into a PasswordCredential and keeps it out of the User', async () => {
      const user = await fx.identity.users.createWithPassword(userObject('alice', { password: 'correct horse' }));
      assert.equal(user.spec.password, undefined);
      assert.equal(user.status?.state, 'Active');
      const stored = (await fx.store.get({ ...USER_KIND, name: 'alice' })) as User;
      assert.ok(!JSON.stringify(stored).includes('correct horse'));
      const credential = await fx.store.get({ ...PASSWORD_CREDENTIAL_KIND, name: 'alice' });
      assert.match((credential.spec as { hash: string }).hash, /^\$argon2id\$/);
    });

    it('refuses a duplicate email (any case), a short password and a password equal to the username or email', async () => {
      const cases: Array<[string, Partial<User['spec']>]> = [
        ['dup', { email: 'ALICE@example.com', password: 'long enough' }],
        ['short', { password: 'short' }],
        ['samename1', { password: 'samename1' }],
        ['sameemail', { email: 'x@y.io', password: 'x@y.io' }],
      ];
      for (const [name, spec] of cases) {
        await assert.rejects(fx.identity.users.createWithPassword(userObject(name, spec)), InvalidError, name);
      }
    });
  });

  it("never lets a new user without a password inherit a predecessor's password", async () => {
    await createUser(fx.identity, 'dora', 'old password');
    // The User goes, but its credential stays: the cleanup after the delete failed.
    await fx.store.delete({ ...USER_KIND, name: 'dora' });
    await fx.identity.users.createWithPassword(userObject('dora'));
    await assert.rejects(
      fx.identity.login.login({ ip: '127.0.0.1' }, 'dora', 'old password'),
      /invalid username or password/,
    );
    await assert.rejects(fx.store.get({ ...PASSWORD_CREDENTIAL_KIND, name: 'dora' }), NotFoundError);
  });

  describe('password change', () => {
    it('needs the current password from the user, not from an admin, and refuses other users', async () => {
      const bob = callerFor(await createUser(fx.identity, 'bob', 'first password'));
      const carol = callerFor(await createUser(fx.identity, 'carol'));
      const admin = callerFor({ username: 'root', uid: '', groups: [] }, true);
      await assert.rejects(fx.identity.users.changePassword(bob, 'bob', { password: 'second password' }), InvalidError);
      await assert.rejects(
        fx.identity.users.changePassword(bob, 'bob', { currentPassword: 'wrong', password: 'second password' }),
        UnauthorizedError,
      );
      await assert.rejects(
        fx.identity.users.changePassword(carol, 'bob', { password: 'second password' }),
        ForbiddenError,
      );
      await fx.identity.users.changePassword(bob, 'bob', {
        currentPassword: 'first password',
        password: 'second password',
      });
      await fx.identity.users.changePassword(admin, 'bob', { password: 'third password' });
      const user = await fx.identity.login.login({ ip: '127.0.0.1' }, 'bob', 'third password');
      assert.equal(user.username, 'bob');
    });

    it("lets only admins unlock and read other users' login records", async () => {
      const bob = callerFor({ username: 'bob', uid: '', groups: [] });
      await assert.rejects(fx.identity.users.unlock(bob, 'bob'), ForbiddenError);
      await assert.rejects(fx.identity.users.loginRecords(bob, 'carol'), ForbiddenError);
      assert.ok((await fx.identity.users.loginRecords(bob, 'bob')).length > 0);
    });
  });

  describe(bootstrapAdmin.name, () => {
    it('creates admin once, with no group (its role comes from a binding), printing a generated password that logs in', async () => {
      const printed: string[] = [];
      assert.equal(await bootstrapAdmin(fx.store, fx.identity.users, { print: (l) => printed.push(l) }), true);
      assert.equal(await bootstrapAdmin(fx.store, fx.identity.users, { print: (l) => printed.push(l) }), false);
      assert.equal(printed.length, 1);
      const password = /password: (\S+)/.exec(printed[0])![1];
      const admin = await fx.identity.login.login({ ip: '127.0.0.1' }, 'admin', password);
      assert.deepEqual(admin.groups, []);
      const stored = await fx.store.get({ ...USER_KIND, name: 'admin' });
      assert.ok(!JSON.stringify(stored).includes(password));
    });
  });
});
