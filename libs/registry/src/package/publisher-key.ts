import { createHash, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';

/** An ed25519 key pair that signs packages; `keyId` names the public key. */
export interface PublisherKey {
  keyId: string;
  /** SPKI PEM. */
  publicKeyPem: string;
  /** PKCS#8 PEM; secret. */
  privateKeyPem: string;
}

/** A public key the kernel trusts; `keyId` is derived from the key when absent. */
export interface TrustedKey {
  keyId?: string;
  publicKeyPem: string;
  /** Who this key is, for people reading the status (`Mortise samples`). */
  name?: string;
}

/**
 * Which packages may be used: signed by one of `trustedKeys`, or anything
 * with intact files when `allowUnsigned` (an explicit admin decision).
 */
export interface TrustPolicy {
  trustedKeys: TrustedKey[];
  allowUnsigned: boolean;
}

/** Signature algorithm recorded beside each signature, so a later one can be told apart. */
export const SIGNATURE_ALGORITHM = 'ed25519';

export function generatePublisherKey(): PublisherKey {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return {
    keyId: keyIdOf(publicKey),
    publicKeyPem,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

/** `ed25519:` + the first 16 bytes (hex) of the SHA-256 of the SPKI DER: stable, short, and not guessable from a name. */
export function keyIdOf(publicKey: string | KeyObject): string {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  const der = key.export({ type: 'spki', format: 'der' });
  return `${SIGNATURE_ALGORITHM}:${createHash('sha256').update(der).digest('hex').slice(0, 32)}`;
}

export function signBytes(data: Buffer, privateKeyPem: string): string {
  return sign(null, data, privateKeyPem).toString('base64');
}

export function verifyBytes(data: Buffer, signature: string, publicKeyPem: string): boolean {
  try {
    return verify(null, data, publicKeyPem, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

const keyIds = new Map<string, string>();

/** The trusted key with this id, if any. */
export function findTrustedKey(policy: TrustPolicy, keyId: string): (TrustedKey & { keyId: string }) | undefined {
  for (const key of policy.trustedKeys) {
    let id = key.keyId ?? keyIds.get(key.publicKeyPem);
    if (id === undefined) {
      id = keyIdOf(key.publicKeyPem);
      keyIds.set(key.publicKeyPem, id);
    }
    if (id === keyId) return { ...key, keyId: id };
  }
  return undefined;
}
