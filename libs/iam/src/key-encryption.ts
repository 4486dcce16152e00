import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { InvalidError } from '@mortise/api';

const PREFIX = 'enc:v1:';

/**
 * AES-256-GCM for private signing keys at rest, with a key-encryption key the
 * operator provides. Without one, keys are stored as plain PEM (the store is
 * then the thing to protect).
 */
export class KeyEncryption {
  private readonly key: Buffer | undefined;

  constructor(keyEncryptionKey: string | undefined) {
    if (keyEncryptionKey === undefined || keyEncryptionKey === '') return;
    const key = Buffer.from(keyEncryptionKey, 'base64');
    if (key.length !== 32) {
      throw new InvalidError(
        'the key-encryption key must be 32 bytes, base64-encoded (e.g. `openssl rand -base64 32`)',
      );
    }
    this.key = key;
  }

  seal(plaintext: string): string {
    if (!this.key) return plaintext;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${PREFIX}${iv.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}.${body.toString('base64url')}`;
  }

  open(stored: string): string {
    if (!stored.startsWith(PREFIX)) return stored;
    if (!this.key) throw new InvalidError('a signing key is encrypted but no key-encryption key is configured');
    const [iv, tag, body] = stored.slice(PREFIX.length).split('.');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv ?? '', 'base64url'));
    decipher.setAuthTag(Buffer.from(tag ?? '', 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body ?? '', 'base64url')), decipher.final()]).toString('utf8');
  }
}
