import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AlreadyExistsError, EXTENSIONS_GROUP, type ConfigEncryptionKey } from '@mortise/api';
import { getIfExists, type ResourceStore } from '@mortise/store';

const PREFIX = 'enc:v1:';
const KEY_REF = { group: EXTENSIONS_GROUP, kind: 'ConfigEncryptionKey', name: 'config-encryption' };

/**
 * AES-256-GCM for the secrets install plans keep (write-only config values,
 * extension credentials), under one random key in the internal
 * ConfigEncryptionKey kind (a Secret on the kubernetes backend), created on
 * first use; every replica reads the same key.
 */
export class SecretSealer {
  private key: Promise<Buffer> | undefined;

  constructor(private readonly store: ResourceStore) {}

  /** `enc:v1:<iv>.<tag>.<ciphertext>`. */
  async seal(plaintext: string): Promise<string> {
    const key = await this.encryptionKey();
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${PREFIX}${iv.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}.${body.toString('base64url')}`;
  }

  /** The plaintext; throws when the value was tampered with or sealed under another key. */
  async open(sealed: string): Promise<string> {
    const key = await this.encryptionKey();
    const [iv, tag, body] = sealed.slice(PREFIX.length).split('.');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv ?? '', 'base64url'));
    decipher.setAuthTag(Buffer.from(tag ?? '', 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body ?? '', 'base64url')), decipher.final()]).toString('utf8');
  }

  private encryptionKey(): Promise<Buffer> {
    this.key ??= this.loadOrCreateKey().catch((err: unknown) => {
      this.key = undefined;
      throw err;
    });
    return this.key;
  }

  private async loadOrCreateKey(): Promise<Buffer> {
    const stored = await getIfExists<ConfigEncryptionKey>(this.store, KEY_REF);
    if (stored) return Buffer.from(stored.spec.key, 'base64');
    const object: ConfigEncryptionKey = {
      apiVersion: `${EXTENSIONS_GROUP}/v1`,
      kind: 'ConfigEncryptionKey',
      metadata: { name: KEY_REF.name },
      spec: { key: randomBytes(32).toString('base64') },
    };
    try {
      await this.store.create(object);
      return Buffer.from(object.spec.key, 'base64');
    } catch (err) {
      // Another replica created it first: use theirs.
      if (!(err instanceof AlreadyExistsError)) throw err;
      return Buffer.from(((await this.store.get(KEY_REF)) as ConfigEncryptionKey).spec.key, 'base64');
    }
  }
}
