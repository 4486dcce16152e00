import type { Resource } from '@mortise/api';
import type { ResourceStore } from '@mortise/store';
import {
  API_KEY_KIND,
  REFRESH_TOKEN_KIND,
  USER_KIND,
  type APIKey,
  type RefreshTokenFamily,
  type User,
} from './iam-kinds.js';
import { KindFollower } from './kind-follower.js';

export interface UserEntry {
  username: string;
  uid: string;
  email: string;
  groups: string[];
  disabled: boolean;
}

export interface ApiKeyEntry {
  owner: string;
  expiresAt: number | undefined;
}

/**
 * What the per-request path needs to know about identities, kept in memory
 * and in step with the store on every replica: users (disabled, deleted,
 * groups), revoked sessions and live API keys. Checking a cached credential
 * against it costs a few map lookups.
 */
export class IdentityView {
  private readonly users = new Map<string, UserEntry>();
  private readonly revokedSessions = new Set<string>();
  private readonly apiKeys = new Map<string, ApiKeyEntry>();
  private readonly followers: KindFollower[] = [];

  constructor(private readonly store: ResourceStore) {}

  async start(): Promise<void> {
    this.followers.push(
      new KindFollower(
        this.store,
        USER_KIND,
        (type, object) => (type === 'DELETED' ? this.users.delete(object.metadata.name) : this.noteUser(object)),
        () => this.users.clear(),
      ),
      new KindFollower(
        this.store,
        REFRESH_TOKEN_KIND,
        (type, object) => {
          const family = object as RefreshTokenFamily;
          // A family is deleted only once every access token of it has expired, so its revocation can go too.
          if (type === 'DELETED') this.revokedSessions.delete(object.metadata.name);
          else if (family.spec.revoked) this.revokedSessions.add(object.metadata.name);
        },
        // Revocations are never undone, so a relist only adds to the set.
      ),
      new KindFollower(
        this.store,
        API_KEY_KIND,
        (type, object) => (type === 'DELETED' ? this.apiKeys.delete(object.metadata.name) : this.noteApiKey(object)),
        () => this.apiKeys.clear(),
      ),
    );
    await Promise.all(this.followers.map((f) => f.ready));
  }

  stop(): void {
    for (const follower of this.followers) follower.stop();
  }

  /** The user if it exists, is not disabled and (when given) still has this uid. */
  activeUser(username: string, uid?: string): UserEntry | undefined {
    const user = this.users.get(username);
    if (!user || user.disabled || (uid !== undefined && user.uid !== uid)) return undefined;
    return user;
  }

  isSessionRevoked(sid: string): boolean {
    return this.revokedSessions.has(sid);
  }

  apiKey(id: string): ApiKeyEntry | undefined {
    return this.apiKeys.get(id);
  }

  /** Whether another user already has this email (case-insensitive). */
  emailTaken(email: string, exceptUsername?: string): boolean {
    const wanted = email.toLowerCase();
    if (wanted === '') return false;
    for (const user of this.users.values()) {
      if (user.username !== exceptUsername && user.email.toLowerCase() === wanted) return true;
    }
    return false;
  }

  /** Applies a write made on this replica at once, before its watch event arrives. */
  noteUser(object: Resource): void {
    const user = object as User;
    this.users.set(user.metadata.name, {
      username: user.metadata.name,
      uid: user.metadata.uid ?? '',
      email: user.spec.email ?? '',
      groups: user.spec.groups ?? [],
      disabled: user.spec.disabled === true,
    });
  }

  noteUserDeleted(username: string): void {
    this.users.delete(username);
  }

  noteSessionRevoked(sid: string): void {
    this.revokedSessions.add(sid);
  }

  forgetSession(sid: string): void {
    this.revokedSessions.delete(sid);
  }

  noteApiKey(object: Resource): void {
    const key = object as APIKey;
    this.apiKeys.set(key.metadata.name, {
      owner: key.spec.owner ?? '',
      expiresAt: key.spec.expiresAt ? Date.parse(key.spec.expiresAt) : undefined,
    });
  }

  noteApiKeyDeleted(id: string): void {
    this.apiKeys.delete(id);
  }
}
