import { createPrivateKey, createPublicKey, generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';
import { AlreadyExistsError, PeriodicController, type Controller, type Resource } from '@mortise/api';
import type { ResourceStore } from '@mortise/store';
import type { IamConfig } from './iam-config.js';
import { IAM_API_VERSION, SIGNING_KEY_KIND, type SigningKeyObject } from './iam-kinds.js';
import { KeyEncryption } from './key-encryption.js';
import { KindFollower } from './kind-follower.js';
import { randomId } from './secret-digest.js';
import { SYSTEM_CLOCK, type Clock } from './clock.js';

/** A signing key with its KeyObjects imported once, when it is first seen. */
export interface SigningKey {
  kid: string;
  /** The only algorithm tokens under this `kid` may use. */
  algorithm: 'ES256';
  privateKey: KeyObject;
  publicKey: KeyObject;
  jwk: JsonWebKey & { kid: string; alg: string; use: string };
  activeFrom: number;
  expiresAt: number | undefined;
}

/**
 * Signing keys: generated on first start, kept in the store, followed by
 * every replica. The newest key signs; after a rotation the previous keys
 * stay published (and verify) until every token they signed has expired.
 */
export class SigningKeyService {
  private readonly keys = new Map<string, SigningKey>();
  private readonly encryption: KeyEncryption;
  private follower: KindFollower | undefined;

  constructor(
    private readonly store: ResourceStore,
    private readonly config: IamConfig,
    private readonly clock: Clock = SYSTEM_CLOCK,
  ) {
    this.encryption = new KeyEncryption(config.keyEncryptionKey);
  }

  async start(): Promise<void> {
    this.follower = new KindFollower(
      this.store,
      SIGNING_KEY_KIND,
      (type, object) => (type === 'DELETED' ? this.keys.delete(object.metadata.name) : this.accept(object)),
      () => this.keys.clear(),
    );
    await this.follower.ready;
    // Every replica needs a key to sign with before it serves; scheduled rotation is the leader's (rotationController).
    if (!this.currentKey()) await this.rotate();
  }

  stop(): void {
    this.follower?.stop();
  }

  /**
   * Scheduled rotation (`signingKeyRotationSeconds`) and the removal of
   * expired keys, for the leader only: the key name is derived from the
   * period, so even two leaders overlapping during a hand-over create one key.
   */
  rotationController(onError?: (err: unknown) => void): Controller {
    const periodMs = this.config.signingKeyRotationSeconds * 1000;
    const everyMs = periodMs > 0 ? Math.min(periodMs, 3600_000) : 3600_000;
    return new PeriodicController(
      'key-rotation',
      everyMs,
      async () => {
        await this.rotateIfDue();
        await this.pruneExpired();
      },
      onError,
    );
  }

  /** The key that signs new tokens: the newest active one. */
  currentKey(): SigningKey | undefined {
    const now = this.clock.now();
    let newest: SigningKey | undefined;
    for (const key of this.keys.values()) {
      if (key.activeFrom > now || (key.expiresAt !== undefined && key.expiresAt <= now)) continue;
      if (!newest || key.activeFrom > newest.activeFrom) newest = key;
    }
    return newest;
  }

  signingKey(): SigningKey {
    const key = this.currentKey();
    if (!key) throw new Error('no signing key is loaded; SigningKeyService.start() must run first');
    return key;
  }

  /** The key for a token's `kid`, if it is still published. */
  find(kid: string): SigningKey | undefined {
    const key = this.keys.get(kid);
    if (!key || (key.expiresAt !== undefined && key.expiresAt <= this.clock.now())) return undefined;
    return key;
  }

  /** The JWKS document: current and previous public keys. */
  jwks(): { keys: SigningKey['jwk'][] } {
    const now = this.clock.now();
    return {
      keys: [...this.keys.values()]
        .filter((k) => k.expiresAt === undefined || k.expiresAt > now)
        .sort((a, b) => b.activeFrom - a.activeFrom)
        .map((k) => k.jwk),
    };
  }

  /**
   * Starts signing with a new key. Previous keys are given an expiry after
   * the longest token lifetime, so what they signed verifies until it expires.
   */
  async rotate(name = `k${randomId(8)}`): Promise<SigningKey> {
    const now = this.clock.now();
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const object: SigningKeyObject = {
      apiVersion: IAM_API_VERSION,
      kind: SIGNING_KEY_KIND.kind,
      metadata: { name },
      spec: {
        algorithm: 'ES256',
        privateKey: this.encryption.seal(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()),
        publicKey: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
        activeFrom: new Date(now).toISOString(),
      },
    };
    const created = await this.store.create(object);
    this.accept(created);
    const retireAt = new Date(now + this.longestTokenLifetimeMs() + 60_000).toISOString();
    for (const key of [...this.keys.values()]) {
      if (key.kid === name || key.expiresAt !== undefined) continue;
      const updated = await this.store.patch(
        { ...SIGNING_KEY_KIND, name: key.kid },
        { type: 'merge', patch: { spec: { expiresAt: retireAt } } },
      );
      this.accept(updated);
    }
    await this.pruneExpired();
    return this.keys.get(name)!;
  }

  /** Scheduled rotation. The key name is derived from the period, so replicas racing to rotate create one key. */
  async rotateIfDue(): Promise<void> {
    const periodMs = this.config.signingKeyRotationSeconds * 1000;
    const current = this.currentKey();
    if (periodMs <= 0 || (current && this.clock.now() - current.activeFrom < periodMs)) return;
    try {
      await this.rotate(`k-period-${Math.floor(this.clock.now() / periodMs)}`);
    } catch (err) {
      if (!(err instanceof AlreadyExistsError)) throw err;
    }
  }

  private async pruneExpired(): Promise<void> {
    const now = this.clock.now();
    for (const key of [...this.keys.values()]) {
      if (key.expiresAt !== undefined && key.expiresAt <= now) {
        await this.store.delete({ ...SIGNING_KEY_KIND, name: key.kid }).catch(() => undefined);
        this.keys.delete(key.kid);
      }
    }
  }

  private longestTokenLifetimeMs(): number {
    const ttls = this.config.clients.map((c) => c.accessTokenTtlSeconds ?? 0);
    return Math.max(this.config.accessTokenTtlSeconds, ...ttls) * 1000;
  }

  /** Imports a key the first time it is seen; later events only update its validity window. */
  private accept(object: Resource): void {
    const spec = (object as SigningKeyObject).spec;
    const kid = object.metadata.name;
    const expiresAt = spec.expiresAt ? Date.parse(spec.expiresAt) : undefined;
    const known = this.keys.get(kid);
    if (known) {
      known.expiresAt = expiresAt;
      return;
    }
    const publicKey = createPublicKey(spec.publicKey);
    this.keys.set(kid, {
      kid,
      algorithm: spec.algorithm,
      privateKey: createPrivateKey(this.encryption.open(spec.privateKey)),
      publicKey,
      jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: spec.algorithm, use: 'sig' },
      activeFrom: Date.parse(spec.activeFrom),
      expiresAt,
    });
  }
}
