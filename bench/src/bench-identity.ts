import type { UserInfo } from '@mortise/api';
import { Identity, IAM_API_VERSION } from '@mortise/iam';
import { MemoryStore } from '@mortise/store';

export interface BenchIdentity {
  identity: Identity;
  /** The user `bench`, with a password. */
  user: UserInfo;
  /** An open console session of that user, for issuing access tokens. */
  sid: string;
}

/** Identity on a memory store (cheap argon2) with one user and one open session; `identity.stop()` when done. */
export async function startBenchIdentity(): Promise<BenchIdentity> {
  const identity = new Identity(new MemoryStore(), { argon2: { memoryCost: 1024, timeCost: 1, parallelism: 1 } });
  await identity.start();
  const created = await identity.users.createWithPassword({
    apiVersion: IAM_API_VERSION,
    kind: 'User',
    metadata: { name: 'bench' },
    spec: { email: 'bench@example.com', password: 'bench password' },
  });
  const user = { username: 'bench', uid: created.metadata.uid ?? '', groups: [] };
  const { sid } = await identity.sessions.open(user, 'console', undefined);
  return { identity, user, sid };
}
