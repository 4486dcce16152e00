import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/**
 * Constant-time equality of two secrets or digests. Both sides are hashed
 * first so neither the content nor the length leaks through timing.
 */
export function secretsEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db);
}

/** `bytes` of CSPRNG output, base64url: secrets, token ids, session ids. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Lowercase hex, usable in object names (DNS-1123). */
export function randomId(bytes = 10): string {
  return randomBytes(bytes).toString('hex');
}
