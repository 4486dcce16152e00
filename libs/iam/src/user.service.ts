import {
  AlreadyExistsError,
  InvalidError,
  UnauthorizedError,
  type Caller,
  type Resource,
  type StatusCause,
} from '@mortise/api';
import { deleteIfExists, getIfExists, type ResourceStore } from '@mortise/store';
import type { UserAccess } from './user-access.js';
import type { AccountLockout } from './account-lockout.js';
import type { IamConfig } from './iam-config.js';
import {
  IAM_API_VERSION,
  PASSWORD_CREDENTIAL_KIND,
  USER_KIND,
  type LoginRecord,
  type PasswordCredential,
  type User,
} from './iam-kinds.js';
import type { IdentityView } from './identity-view.js';
import type { LoginRecordService } from './login-record.service.js';
import type { PasswordHasher } from './password-hasher.js';
import { checkPasswordPolicy } from './password-policy.js';
import type { RefreshTokenService } from './refresh-token.service.js';
import { SYSTEM_CLOCK, type Clock } from './clock.js';

export interface PasswordChange {
  currentPassword?: string;
  password: string;
}

/**
 * Users' credentials and lifecycle: the write-only password on create, email
 * uniqueness, password changes (self with the old one, admins reset), unlock,
 * login records, and what follows a user's disabling or deletion.
 */
export class UserService {
  constructor(
    private readonly store: ResourceStore,
    private readonly identities: IdentityView,
    private readonly hasher: PasswordHasher,
    private readonly sessions: RefreshTokenService,
    private readonly lockout: AccountLockout,
    private readonly records: LoginRecordService,
    private readonly access: UserAccess,
    private readonly config: IamConfig,
    private readonly clock: Clock = SYSTEM_CLOCK,
  ) {}

  /**
   * Prepares a User for creation: checks the email is unique and the password
   * acceptable, and removes the password from the object. Returns the
   * password hash to store once the User exists (`storePassword`).
   */
  async admitNewUser(user: User): Promise<{ user: User; passwordHash: string | undefined }> {
    const username = user.metadata.name;
    const { password, ...spec } = user.spec ?? {};
    const causes = this.emailCauses(spec.email, username);
    if (password !== undefined) {
      causes.push(
        ...checkPasswordPolicy(
          password,
          { username, email: spec.email },
          this.config.passwordMinLength,
          'spec.password',
        ),
      );
    }
    if (causes.length > 0)
      throw new InvalidError(`User "${username}" is invalid`, { name: username, kind: 'User', causes });
    const admitted: User = {
      ...user,
      spec,
      status: { state: spec.disabled ? 'Disabled' : 'Active' },
    };
    return { user: admitted, passwordHash: password === undefined ? undefined : await this.hasher.hash(password) };
  }

  /** Checks an update: the email stays unique and the password cannot be set this way. */
  admitUserUpdate(user: User): User {
    const username = user.metadata.name;
    const causes = this.emailCauses(user.spec?.email, username);
    if (user.spec && 'password' in user.spec) {
      causes.push({
        reason: 'FieldValueForbidden',
        field: 'spec.password',
        message: `set a password with PUT /kapis/iam.mortise.io/v1/users/${username}/password`,
      });
    }
    if (causes.length > 0)
      throw new InvalidError(`User "${username}" is invalid`, { name: username, kind: 'User', causes });
    return user;
  }

  /**
   * After a User was created. Without a password of its own it must not
   * inherit one: a credential still stored under its name (its predecessor's,
   * if that cleanup failed) goes.
   */
  async afterUserCreated(user: Resource, passwordHash?: string): Promise<void> {
    if (passwordHash === undefined) {
      await deleteIfExists(this.store, { ...PASSWORD_CREDENTIAL_KIND, name: user.metadata.name });
    }
    await this.afterUserWritten(user, passwordHash);
  }

  /** After a User was created or changed: keep the view current and end sessions of a disabled user. */
  async afterUserWritten(user: Resource, passwordHash?: string): Promise<void> {
    this.identities.noteUser(user);
    const { spec, status } = user as User;
    if (passwordHash !== undefined) await this.storePassword(user.metadata.name, passwordHash);
    if (spec.disabled) await this.sessions.revokeAllOf(user.metadata.name, 'user disabled');
    // `state` follows `spec.disabled`; a lock (status only) is left to run out or be unlocked.
    const state = spec.disabled ? 'Disabled' : status?.state === 'Locked' ? 'Locked' : 'Active';
    if (status?.state !== state) {
      await this.store.patch(
        { ...USER_KIND, name: user.metadata.name },
        { type: 'merge', patch: { status: { state } } },
        { subresource: 'status' },
      );
    }
  }

  /** After a User was deleted: its password, sessions and login records go with it. */
  async afterUserDeleted(username: string): Promise<void> {
    this.identities.noteUserDeleted(username);
    await this.sessions.revokeAllOf(username, 'user deleted');
    await deleteIfExists(this.store, { ...PASSWORD_CREDENTIAL_KIND, name: username });
    await this.records.removeAll(username);
    await this.lockout.reset(username);
  }

  async changePassword(caller: Caller, username: string, change: PasswordChange): Promise<void> {
    await this.access.assertOnUser(caller, 'update', 'password', username);
    const user = (await this.store.get({ ...USER_KIND, name: username })) as User;
    // Someone allowed to set another user's password resets it; everyone proves the old one for their own.
    const resetByAdmin = caller.user.username !== username;
    if (!resetByAdmin) {
      const credential = await getIfExists<PasswordCredential>(this.store, {
        ...PASSWORD_CREDENTIAL_KIND,
        name: username,
      });
      if (typeof change.currentPassword !== 'string' || change.currentPassword === '') {
        throw new InvalidError('the current password is required', {
          causes: [{ reason: 'FieldValueRequired', field: 'currentPassword', message: 'give the current password' }],
        });
      }
      if (!(await this.hasher.verifyOrBurn(credential?.spec.hash, change.currentPassword))) {
        throw new UnauthorizedError('the current password is wrong');
      }
    }
    const causes = checkPasswordPolicy(
      change.password,
      { username, email: user.spec.email },
      this.config.passwordMinLength,
    );
    if (causes.length > 0) throw new InvalidError('the new password is not acceptable', { name: username, causes });
    await this.storePassword(username, await this.hasher.hash(change.password));
    await this.sessions.revokeAllOf(username, 'password changed');
  }

  async unlock(caller: Caller, username: string): Promise<User> {
    await this.access.assertOnUser(caller, 'create', 'unlock', username);
    await this.lockout.reset(username);
    const user = (await this.store.get({ ...USER_KIND, name: username })) as User;
    return (await this.store.patch(
      { ...USER_KIND, name: username },
      { type: 'merge', patch: { status: { state: user.spec.disabled ? 'Disabled' : 'Active', lockedUntil: null } } },
      { subresource: 'status' },
    )) as User;
  }

  async loginRecords(caller: Caller, username: string): Promise<LoginRecord[]> {
    await this.access.assertOnUser(caller, 'get', 'loginrecords', username);
    await this.store.get({ ...USER_KIND, name: username });
    return this.records.list(username);
  }

  /** Creates a user with a password outside the REST path (bootstrap, tests). */
  async createWithPassword(user: User): Promise<User> {
    const { user: admitted, passwordHash } = await this.admitNewUser(user);
    const created = (await this.store.create(admitted)) as User;
    await this.afterUserCreated(created, passwordHash);
    return created;
  }

  private async storePassword(username: string, hash: string): Promise<void> {
    const credential: PasswordCredential = {
      apiVersion: IAM_API_VERSION,
      kind: PASSWORD_CREDENTIAL_KIND.kind,
      metadata: { name: username },
      spec: { hash, changedAt: new Date(this.clock.now()).toISOString() },
    };
    try {
      await this.store.create(credential);
    } catch (err) {
      if (!(err instanceof AlreadyExistsError)) throw err;
      await this.store.update(credential);
    }
  }

  /** Email is optional in the schema (which checks its format) but unique when given. */
  private emailCauses(email: unknown, username: string): StatusCause[] {
    if (email === undefined) return [];
    if (typeof email !== 'string' || !/^[^\s@]+@[^\s@]+$/.test(email)) {
      return [{ reason: 'FieldValueInvalid', field: 'spec.email', message: 'must be an email address' }];
    }
    if (this.identities.emailTaken(email, username)) {
      return [
        {
          reason: 'FieldValueDuplicate',
          field: 'spec.email',
          message: `email "${email}" is already used by another user`,
        },
      ];
    }
    return [];
  }
}
