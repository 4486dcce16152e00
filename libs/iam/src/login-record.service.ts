import type { ResourceStore } from '@mortise/store';
import type { IamConfig } from './iam-config.js';
import { IAM_API_VERSION, LOGIN_RECORD_KIND, USER_LABEL, type LoginRecord } from './iam-kinds.js';
import { randomId } from './secret-digest.js';
import { SYSTEM_CLOCK, type Clock } from './clock.js';

export interface LoginAttempt {
  username: string;
  success: boolean;
  /** The credential tried: `password`. */
  type: string;
  /** Why, in words safe to show the user: `Success`, `InvalidCredentials`, `Locked`, `Disabled`. */
  reason: string;
  sourceIP: string;
  userAgent?: string;
  clientId?: string;
}

/** Login attempts of existing users, kept per user, bounded in number and age. */
export class LoginRecordService {
  constructor(
    private readonly store: ResourceStore,
    private readonly policy: IamConfig['loginRecords'],
    private readonly clock: Clock = SYSTEM_CLOCK,
  ) {}

  async record(attempt: LoginAttempt): Promise<void> {
    const now = this.clock.now();
    const record: LoginRecord = {
      apiVersion: IAM_API_VERSION,
      kind: LOGIN_RECORD_KIND.kind,
      metadata: {
        name: `${attempt.username}-${now.toString(36)}-${randomId(4)}`,
        labels: { [USER_LABEL]: attempt.username },
      },
      spec: { ...attempt, time: new Date(now).toISOString() },
    };
    await this.store.create(record);
    await this.prune(attempt.username);
  }

  /** Newest first. */
  async list(username: string): Promise<LoginRecord[]> {
    const list = await this.store.list(LOGIN_RECORD_KIND, { labelSelector: `${USER_LABEL}=${username}` });
    return (list.items as LoginRecord[]).sort((a, b) => b.spec.time.localeCompare(a.spec.time));
  }

  async removeAll(username: string): Promise<void> {
    for (const record of await this.list(username)) await this.delete(record);
  }

  private async prune(username: string): Promise<void> {
    const records = await this.list(username);
    const oldest = this.clock.now() - this.policy.maxAgeSeconds * 1000;
    for (const [index, record] of records.entries()) {
      if (index >= this.policy.maxPerUser || Date.parse(record.spec.time) < oldest) await this.delete(record);
    }
  }

  private async delete(record: LoginRecord): Promise<void> {
    await this.store.delete({ ...LOGIN_RECORD_KIND, name: record.metadata.name }).catch(() => undefined);
  }
}
