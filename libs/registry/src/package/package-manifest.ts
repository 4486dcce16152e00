import { createHash } from 'node:crypto';

/** Reserved directory inside a package: the manifest and its signature, nothing else. */
export const PACKAGE_META_DIR = '.mortise';
export const MANIFEST_PATH = `${PACKAGE_META_DIR}/manifest.json`;
export const SIGNATURE_PATH = `${PACKAGE_META_DIR}/signature.json`;
export const EXTENSION_FILE = 'extension.yaml';
export const MANIFEST_FORMAT = 'mortise.io/package-manifest/v1';

/** One packaged file or symlink, as the manifest lists it. */
export type ManifestEntry =
  { path: string; type: 'file'; size: number; sha256: string } | { path: string; type: 'symlink'; target: string };

/**
 * `.mortise/manifest.json`: every packaged path (except the signature) with
 * its sha256. The signature covers these exact bytes, so one signature
 * protects every file.
 */
export interface PackageManifest {
  format: typeof MANIFEST_FORMAT;
  files: ManifestEntry[];
}

/** `.mortise/signature.json`: the detached ed25519 signature over `manifest.json`. */
export interface PackageSignature {
  algorithm: 'ed25519';
  keyId: string;
  /** Base64. */
  signature: string;
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** `sha256:<hex>`, the digest notation of ExtensionVersion and the index. */
export function packageDigest(data: Buffer): string {
  return `sha256:${sha256Hex(data)}`;
}

export function serializeManifest(files: ManifestEntry[]): Buffer {
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const manifest: PackageManifest = { format: MANIFEST_FORMAT, files: sorted };
  return Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
}
