import type { UserInfo } from '@mortise/api';
import { getIfExists, type ResourceStore } from '@mortise/store';
import type { AccountLockout } from './account-lockout.js';
import { PASSWORD_CREDENTIAL_KIND, USER_KIND, type PasswordCredential, type User } from './iam-kinds.js';
import type { LoginAttempt, LoginRecordService } from './login-record.service.js';
import { OAuthError } from './oauth-error.js';
import type { PasswordHasher } from './password-hasher.js';
import { SYSTEM_CLOCK, type Clock } from './clock.js';

/** Where a login came from, for the login record. */
export interface LoginSource {
  ip: string;
  userAgent?: string;
  clientId?: string;
}

const BAD_CREDENTIALS = 'invalid username or password';
const USER_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const MAX_USERNAME_LENGTH = 253;
/** argon2 accepts long inputs, but nobody needs more, and it bounds the work per request. */
const MAX_PASSWORD_LENGTH = 1024;

/**
 * Password logins. An unknown user and a wrong password get the same answer
 * after the same argon2 work; "disabled" is said only after a correct
 * password; a lock applies to the submitted name whether or not it exists.
 */
export class LoginService {
  constructor(
    private readonly store: ResourceStore,
    private readonly hasher: PasswordHasher,
    private readonly lockout: AccountLockout,
    private readonly records: LoginRecordService,
    private readonly clock: Clock = SYSTEM_CLOCK,
  ) {}

  async login(source: LoginSource, username: string, password: string): Promise<UserInfo> {
    if (username.length > MAX_USERNAME_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
      throw new OAuthError('invalid_request', 'the username or password is too long');
    }
    const now = this.clock.now();
    // A name no user can have is looked up nowhere, but still costs the same argon2 work below.
    const user = USER_NAME.test(username)
      ? await getIfExists<User>(this.store, { ...USER_KIND, name: username })
      : undefined;
    const storedLock = user?.status?.lockedUntil ? Date.parse(user.status.lockedUntil) : 0;
    const lockEnd = Math.max(this.lockout.lockedUntil(username, now) ?? 0, storedLock);
    if (lockEnd > now) {
      if (user) this.note(source, username, false, 'Locked');
      throw new OAuthError(
        'invalid_grant',
        `the account is temporarily locked after repeated failed logins; try again after ${new Date(lockEnd).toISOString()}`,
      );
    }
    const credential =
      user && (await getIfExists<PasswordCredential>(this.store, { ...PASSWORD_CREDENTIAL_KIND, name: username }));
    if (!(await this.hasher.verifyOrBurn(credential?.spec.hash, password))) {
      // A store that cannot count does not change the answer; the rate limit still holds.
      const lockedUntil = await this.lockout.recordFailure(username, now).catch(() => undefined);
      if (user) {
        this.note(source, username, false, 'InvalidCredentials');
        if (lockedUntil !== undefined) this.writeStatus(username, { state: 'Locked', lockedUntil: iso(lockedUntil) });
      }
      throw new OAuthError('invalid_grant', BAD_CREDENTIALS);
    }
    if (user!.spec.disabled) {
      this.note(source, username, false, 'Disabled');
      throw new OAuthError('invalid_grant', 'the account is disabled');
    }
    await this.lockout.forgetFailures(username).catch(() => undefined);
    this.note(source, username, true, 'Success');
    this.writeStatus(username, { state: 'Active', lastLoginTime: iso(now), lockedUntil: null });
    return { username, uid: user!.metadata.uid ?? '', groups: user!.spec.groups ?? [] };
  }

  /** Records and status writes do not delay the answer, so they cannot make timing differ. */
  private note(source: LoginSource, username: string, success: boolean, reason: string): void {
    const attempt: LoginAttempt = { username, success, type: 'password', reason, sourceIP: source.ip };
    if (source.userAgent !== undefined) attempt.userAgent = source.userAgent.slice(0, 256);
    if (source.clientId !== undefined) attempt.clientId = source.clientId;
    void this.records.record(attempt).catch(() => undefined);
  }

  private writeStatus(username: string, status: Record<string, string | null>): void {
    void this.store
      .patch({ ...USER_KIND, name: username }, { type: 'merge', patch: { status } }, { subresource: 'status' })
      .catch(() => undefined);
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
