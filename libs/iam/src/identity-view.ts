import type { Resource } from '@mortise/api';
import type { ResourceStore } from '@mortise/store';
import {
  API_KEY_KIND,
  OAUTH_CLIENT_KIND,
  REFRESH_TOKEN_KIND,
  USER_KIND,
  type APIKey,
  type OAuthClient,
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

/** A client the kernel provisioned (an OAuthClient object), as the token endpoint needs it. */
export interface StoredClientEntry {
  id: string;
  actAs: string;
  secretHash: string;
  secretId: string;
  accessTokenTtlSeconds: number | undefined;
}

export interface ApiKeyEntry {
  owner: string;
  expiresAt: number | undefined;
}

/**
 * What the per-request path needs to know about identities, kept in memory
 * and in step with the store on every replica: users (disabled, deleted,
 * groups), revoked sessions, live API keys, and the provisioned OAuth clients
 * with the service identities they act as. Checking a cached credential
 * against it costs a few map lookups.
 */
export class IdentityView {
  private readonly users = new Map<string, UserEntry>();
  private readonly revokedSessions = new Set<string>();
  private readonly apiKeys = new Map<string, ApiKeyEntry>();
  private readonly clients = new Map<string, StoredClientEntry>();
  /** Service identity (`actAs`) → the client that makes it exist. */
  private readonly serviceIdentities = new Map<string, StoredClientEntry>();
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
      new KindFollower(
        this.store,
        OAUTH_CLIENT_KIND,
        (type, object) => (type === 'DELETED' ? this.noteClientDeleted(object.metadata.name) : this.noteClient(object)),
        () => {
          this.clients.clear();
          this.serviceIdentities.clear();
        },
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

  /**
   * `activeUser`, or else a service identity whose client exists and whose
   * current secret is the one the token was obtained with (`uid`): the check
   * an access token passes on every request.
   */
  activeIdentity(username: string, uid: string): UserEntry | undefined {
    const user = this.activeUser(username, uid);
    if (user) return user;
    const client = this.serviceIdentities.get(username);
    return client && client.secretId === uid ? this.serviceUserOf(client) : undefined;
  }

  /** A provisioned OAuth client by id. */
  storedClient(id: string): StoredClientEntry | undefined {
    return this.clients.get(id);
  }

  /** The identity a provisioned client's tokens stand for: no groups of its own, its secret's id as uid. */
  serviceUserOf(client: StoredClientEntry): UserEntry {
    return { username: client.actAs, uid: client.secretId, email: '', groups: [], disabled: false };
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

  noteClient(object: Resource): void {
    const client = object as OAuthClient;
    const entry: StoredClientEntry = {
      id: client.metadata.name,
      actAs: client.spec.actAs,
      secretHash: client.spec.secretHash,
      secretId: client.spec.secretId,
      accessTokenTtlSeconds: client.spec.accessTokenTtlSeconds,
    };
    this.noteClientDeleted(entry.id);
    // Provisioned clients act only as service identities, names no User can have (user names are DNS
    // names, so `ext:<name>`): one acting as a user's name would be a way around that user's uid.
    if (!entry.actAs.includes(':')) return;
    this.clients.set(entry.id, entry);
    this.serviceIdentities.set(entry.actAs, entry);
  }

  noteClientDeleted(id: string): void {
    const previous = this.clients.get(id);
    if (!previous) return;
    this.clients.delete(id);
    if (this.serviceIdentities.get(previous.actAs) === previous) this.serviceIdentities.delete(previous.actAs);
  }
}
