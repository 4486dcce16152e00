import type { PackageSignature } from '../package/package-manifest.js';
import { findTrustedKey, verifyBytes, type TrustPolicy } from '../package/publisher-key.js';

export type IndexSignatureCheck = { ok: true; keyId?: string } | { ok: false; message: string };

/**
 * A signed index must be signed by a trusted key over its exact bytes. An
 * unsigned one is accepted (packages are verified on download anyway), and
 * so is an untrusted signer under an allow-unsigned policy.
 */
export function checkIndexSignature(
  index: Buffer,
  signatureData: Buffer | undefined,
  policy: TrustPolicy,
): IndexSignatureCheck {
  if (!signatureData) return { ok: true };
  let signature: PackageSignature;
  try {
    signature = JSON.parse(signatureData.toString('utf8')) as PackageSignature;
  } catch {
    return { ok: false, message: 'index.json.sig is not JSON' };
  }
  const key = typeof signature.keyId === 'string' ? findTrustedKey(policy, signature.keyId) : undefined;
  if (!key) {
    if (policy.allowUnsigned) return { ok: true };
    return {
      ok: false,
      message: `the index is signed by ${String(signature.keyId)}, which is not a trusted publisher key`,
    };
  }
  if (signature.algorithm !== 'ed25519' || !verifyBytes(index, String(signature.signature), key.publicKeyPem)) {
    return { ok: false, message: `the index signature by ${key.keyId} does not match index.json` };
  }
  return { ok: true, keyId: key.keyId };
}
