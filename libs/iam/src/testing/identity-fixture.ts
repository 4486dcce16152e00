import { MemoryStore } from '@mortise/store';
import type { Authorizer, Caller, UserInfo } from '@mortise/api';
import type { IamConfig } from '../iam-config.js';
import { IAM_API_VERSION, USER_KIND, type User } from '../iam-kinds.js';
import { Identity } from '../identity.js';
import type { Clock } from '../clock.js';

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  constructor(public ms = Date.parse('2026-01-01T00:00:00Z')) {}
  now(): number {
    return this.ms;
  }
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

/** Cheap argon2 parameters: the tests exercise behaviour, not cost. */
export const TEST_ARGON2: IamConfig['argon2'] = { memoryCost: 1024, timeCost: 1, parallelism: 1 };

export interface IdentityFixture {
  store: MemoryStore;
  identity: Identity;
  clock: ManualClock;
}

export async function startIdentity(
  config: Partial<IamConfig> = {},
  shared?: { store: MemoryStore; clock: ManualClock },
): Promise<IdentityFixture> {
  const store = shared?.store ?? new MemoryStore();
  const clock = shared?.clock ?? new ManualClock();
  const identity = new Identity(store, { argon2: TEST_ARGON2, issuer: 'https://mortise.test', ...config }, clock);
  identity.access.useAuthorizer(() => TEST_AUTHORIZER);
  await identity.start();
  return { store, identity, clock };
}

export function userObject(name: string, spec: Partial<User['spec']> = {}): User {
  return {
    apiVersion: IAM_API_VERSION,
    kind: USER_KIND.kind,
    metadata: { name },
    spec: { email: `${name}@example.com`, ...spec },
  };
}

export async function createUser(
  identity: Identity,
  name: string,
  password = 'correct horse',
  spec: Partial<User['spec']> = {},
): Promise<UserInfo> {
  const user = await identity.users.createWithPassword(userObject(name, { ...spec, password }));
  return { username: name, uid: user.metadata.uid ?? '', groups: user.spec.groups ?? [] };
}

/** The group `callerFor(user, true)` adds; only the stand-in authorizer below knows it. */
const TEST_ADMINS_GROUP = 'test:platform-admins';
const SELF_SERVICE = new Set(['password', 'apikeys', 'loginrecords']);

/**
 * A stand-in for the kernel's RBAC authorizer in identity's unit tests (the
 * real one lives in a package that depends on this one): members of the test
 * admins group may do anything, everyone else only reaches their own
 * password, API keys and login records (as the built-in `authenticated` role).
 */
export const TEST_AUTHORIZER: Authorizer = {
  authorize: (caller, info) => {
    const allowed =
      caller.user.groups.includes(TEST_ADMINS_GROUP) ||
      (SELF_SERVICE.has(info.subresource) && info.name !== '' && info.name === caller.user.username);
    return { allowed, reason: allowed ? 'test authorizer' : 'test authorizer: not yours' };
  },
};

export function callerFor(user: UserInfo, admin = false): Caller {
  return {
    user: { ...user, groups: admin ? [...user.groups, TEST_ADMINS_GROUP] : user.groups },
    credential: 'token',
  };
}

/** Gives watch events queued on the store a turn to be delivered. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}
