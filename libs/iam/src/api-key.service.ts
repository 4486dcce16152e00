import {
  AUTHENTICATED_GROUP,
  InvalidError,
  NotFoundError,
  UnauthorizedError,
  type Caller,
  type Resource,
} from '@mortise/api';
import { getIfExists, type ResourceStore } from '@mortise/store';
import type { UserAccess } from './user-access.js';
import type { IamConfig } from './iam-config.js';
import {
  API_KEY_KIND,
  API_KEY_SECRET_KIND,
  IAM_API_VERSION,
  USER_KIND,
  USER_LABEL,
  type APIKey,
  type APIKeySecret,
} from './iam-kinds.js';
import type { IdentityView } from './identity-view.js';
import { randomId, randomToken, secretsEqual, sha256Hex } from './secret-digest.js';
import { SYSTEM_CLOCK, type Clock } from './clock.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

export const API_KEY_PREFIX = 'mrt_';
const KEY_ID = /^[0-9a-f]{20}$/;
/** Last use is written at most this often per key, not on every request. */
const LAST_USED_INTERVAL_MS = 60_000;
/** A cached key is re-read from the store at least this often (expiry changes, deletion on a lagging watch). */
const CACHE_TTL_MS = 5 * 60_000;

interface VerifiedKey {
  id: string;
  owner: string;
  expiresAt: number;
  /** The caller last made for this key and the owner entry it was made from (entries are replaced on change). */
  caller?: { from: object; caller: Caller };
}

/**
 * API keys `mrt_<id>_<secret>`: a 256-bit random secret of which only the
 * SHA-256 is stored (in an internal APIKeySecret, so the served APIKey never
 * holds it), found by id and compared in constant time. A slow password hash
 * is not needed for a 256-bit secret and would cost ~50 ms per request.
 */
export class ApiKeyService {
  private readonly cache: VerifiedTokenCache<VerifiedKey>;
  private readonly lastUsedWritten = new Map<string, number>();

  constructor(
    private readonly store: ResourceStore,
    private readonly identities: IdentityView,
    private readonly access: UserAccess,
    config: IamConfig,
    private readonly clock: Clock = SYSTEM_CLOCK,
  ) {
    this.cache = new VerifiedTokenCache(config.tokenCacheMaxEntries);
  }

  /**
   * Prepares an APIKey for creation by `caller`: owner defaults to the
   * caller, a fresh id becomes the name. Returns the object to store and the
   * key to show once.
   */
  async admitNewKey(caller: Caller, key: APIKey): Promise<{ key: APIKey; secret: string }> {
    const owner = key.spec?.owner ?? caller.user.username;
    await this.access.assertOnUser(caller, 'create', 'apikeys', owner);
    await this.assertOwnerIsUser(owner);
    if (key.spec?.expiresAt !== undefined && !(Date.parse(key.spec.expiresAt) > this.clock.now())) {
      throw new InvalidError('the expiry must be a future time', {
        causes: [
          { reason: 'FieldValueInvalid', field: 'spec.expiresAt', message: 'must be an RFC 3339 time in the future' },
        ],
      });
    }
    const id = randomId(10);
    const admitted: APIKey = {
      ...key,
      apiVersion: IAM_API_VERSION,
      kind: API_KEY_KIND.kind,
      metadata: { ...key.metadata, name: id, labels: { ...key.metadata?.labels, [USER_LABEL]: owner } },
      spec: { ...key.spec, owner },
    };
    delete admitted.metadata.generateName;
    admitted.status = { id };
    return { key: admitted, secret: `${API_KEY_PREFIX}${id}_${randomToken(32)}` };
  }

  /**
   * A key authenticates as its owner's User object, so one for anybody else
   * (a service identity `ext:<name>`, a user not created yet) would never
   * work: refused when asked for, not when first used. Read from the store,
   * not the in-memory view, so a user created a moment ago counts.
   */
  private async assertOwnerIsUser(owner: string): Promise<void> {
    if (await getIfExists(this.store, { ...USER_KIND, name: owner })) return;
    const why = owner.includes(':')
      ? `"${owner}" is a service identity; it authenticates with its OAuth client credentials, not API keys`
      : `there is no user "${owner}"`;
    throw new InvalidError(`APIKey is invalid: ${why}`, {
      causes: [{ reason: 'FieldValueInvalid', field: 'spec.owner', message: why }],
    });
  }

  /** An update keeps the owner (and its label) and can never set a secret. */
  admitKeyUpdate(key: APIKey, previous: APIKey | undefined): void {
    const owner = previous?.spec.owner;
    if (owner !== undefined && key.spec?.owner !== owner) {
      throw new InvalidError(`APIKey "${key.metadata.name}" is invalid`, {
        causes: [{ reason: 'FieldValueForbidden', field: 'spec.owner', message: 'the owner of a key cannot change' }],
      });
    }
    if (owner !== undefined) key.metadata.labels = { ...key.metadata.labels, [USER_LABEL]: owner };
    if (key.status) delete key.status.secret;
  }

  /** Stores the secret's hash once the APIKey exists; the returned object carries the key in `status.secret`, once. */
  async afterKeyCreated(created: Resource, secret: string): Promise<APIKey> {
    const hash: APIKeySecret = {
      apiVersion: IAM_API_VERSION,
      kind: API_KEY_SECRET_KIND.kind,
      metadata: { name: created.metadata.name },
      spec: { hash: sha256Hex(secret) },
    };
    await this.store.create(hash);
    this.identities.noteApiKey(created);
    const key = created as APIKey;
    return { ...key, status: { ...key.status, secret } };
  }

  async create(caller: Caller, key: APIKey): Promise<APIKey> {
    const { key: admitted, secret } = await this.admitNewKey(caller, key);
    return this.afterKeyCreated(await this.store.create(admitted), secret);
  }

  /**
   * The label selector that limits a list to what the caller may see: its own
   * keys, unless it may list `users/apikeys` of every user (platform admins).
   */
  ownerSelector(caller: Caller): string | undefined {
    return this.access.mayOnAllUsersNow(caller, 'apikeys') ? undefined : `${USER_LABEL}=${caller.user.username}`;
  }

  /** Whether the caller may see or delete this key: `get` on `users/apikeys` of its owner; hidden otherwise. */
  assertMayAccess(caller: Caller, key: Resource): void {
    const owner = (key as APIKey).spec?.owner ?? '';
    if (!this.access.mayOnUserNow(caller, 'get', 'apikeys', owner)) {
      throw new NotFoundError(`apikeys "${key.metadata.name}" not found`, { name: key.metadata.name, kind: 'APIKey' });
    }
  }

  async afterKeyDeleted(id: string): Promise<void> {
    this.identities.noteApiKeyDeleted(id);
    await this.store.delete({ ...API_KEY_SECRET_KIND, name: id }).catch(() => undefined);
  }

  /** The caller an `mrt_` key stands for; UnauthorizedError when unknown, wrong, expired or its owner is inactive. */
  async authenticate(presented: string): Promise<Caller> {
    return this.resolve(presented);
  }

  /**
   * `authenticate`, synchronous for a key verified before (the request
   * pipeline's path): a Caller, or a promise of one on a first use; a dead
   * key throws (or rejects) UnauthorizedError. While the owner is unchanged
   * the same Caller object comes back, so authorization's per-caller cache holds.
   */
  resolve(presented: string): Caller | Promise<Caller> {
    const now = this.clock.now();
    const verified = this.cache.get(presented, now);
    if (verified === undefined) {
      return this.verifyInStore(presented, now).then((fresh) => {
        this.cache.set(presented, fresh);
        return this.callerOf(presented, fresh, now);
      });
    }
    return this.callerOf(presented, verified, now);
  }

  private callerOf(presented: string, verified: VerifiedKey, now: number): Caller {
    const live = this.identities.apiKey(verified.id);
    if (!live || (live.expiresAt !== undefined && live.expiresAt <= now)) {
      this.cache.delete(presented);
      throw new UnauthorizedError('the API key is expired or was deleted');
    }
    const owner = this.identities.activeUser(verified.owner);
    if (!owner) throw new UnauthorizedError('the API key belongs to a user who is disabled or no longer exists');
    this.touch(verified.id, now);
    if (verified.caller?.from !== owner) {
      verified.caller = {
        from: owner,
        caller: {
          user: { username: owner.username, uid: owner.uid, groups: [...owner.groups, AUTHENTICATED_GROUP] },
          credential: 'apikey',
          credentialId: verified.id,
        },
      };
    }
    return verified.caller.caller;
  }

  private async verifyInStore(presented: string, now: number): Promise<VerifiedKey> {
    const rest = presented.slice(API_KEY_PREFIX.length);
    const sep = rest.indexOf('_');
    const id = rest.slice(0, sep);
    if (!presented.startsWith(API_KEY_PREFIX) || sep < 0 || !KEY_ID.test(id)) {
      throw new UnauthorizedError('the API key is malformed');
    }
    const key = await getIfExists<APIKey>(this.store, { ...API_KEY_KIND, name: id });
    const stored = key && (await getIfExists<APIKeySecret>(this.store, { ...API_KEY_SECRET_KIND, name: id }));
    if (!key || !stored) throw new UnauthorizedError('the API key is not valid');
    if (!secretsEqual(sha256Hex(presented), stored.spec.hash)) throw new UnauthorizedError('the API key is not valid');
    const expiresAt = key.spec.expiresAt ? Date.parse(key.spec.expiresAt) : Infinity;
    if (expiresAt <= now) throw new UnauthorizedError('the API key has expired');
    return { id, owner: key.spec.owner ?? '', expiresAt: Math.min(expiresAt, now + CACHE_TTL_MS) };
  }

  private touch(id: string, now: number): void {
    const last = this.lastUsedWritten.get(id) ?? 0;
    if (now - last < LAST_USED_INTERVAL_MS) return;
    this.lastUsedWritten.set(id, now);
    void this.store
      .patch(
        { ...API_KEY_KIND, name: id },
        { type: 'merge', patch: { status: { lastUsedTime: new Date(now).toISOString() } } },
        { subresource: 'status' },
      )
      .catch(() => undefined);
  }
}
