import { MemoryStore } from '@mortise/store';
import type { Caller, UserInfo } from '@mortise/api';
import type { IamConfig } from '../iam-config.js';
import { IAM_API_VERSION, PLATFORM_ADMINS_GROUP, USER_KIND, type User } from '../iam-kinds.js';
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

export function callerFor(user: UserInfo, admin = false): Caller {
  return {
    user: { ...user, groups: admin ? [...user.groups, PLATFORM_ADMINS_GROUP] : user.groups },
    credential: 'token',
  };
}

/** Gives watch events queued on the store a turn to be delivered. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}
