import { mkdir, readFile, readdir, rename, rm, rmdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { ConflictError, type ExtensionManifest } from '@mortise/api';
import { DEFAULT_ARCHIVE_LIMITS, readArchive, type ArchiveEntry, type ArchiveLimits } from './archive-reader.js';
import { writeEntries } from './archive-writer.js';
import { validateExtensionManifest } from './extension-manifest.js';
import { PackageRejectedError } from './package-error.js';
import { manifestEntryOf } from './pack-extension.js';
import {
  EXTENSION_FILE,
  MANIFEST_FORMAT,
  MANIFEST_PATH,
  PACKAGE_META_DIR,
  SIGNATURE_PATH,
  packageDigest,
  type ManifestEntry,
  type PackageManifest,
  type PackageSignature,
} from './package-manifest.js';
import { findTrustedKey, verifyBytes, type TrustPolicy } from './publisher-key.js';

export interface VerifiedPackage {
  manifest: ExtensionManifest;
  /** `sha256:<hex>` of the package file. */
  digest: string;
  /** The trusted key that signed it; absent when it was accepted unsigned (or untrusted) by policy. */
  publisher?: { keyId: string; name?: string };
}

export interface VerifyOptions {
  limits?: ArchiveLimits;
  /** Refuse unless the package's sha256 is this (`sha256:<hex>`). */
  expectedDigest?: string;
}

/** Checks a package file without writing anything: see `verifyPackageData`. */
export async function verifyPackage(
  packageFile: string,
  policy: TrustPolicy,
  options: VerifyOptions = {},
): Promise<VerifiedPackage> {
  const { verified } = await verifyPackageData(await readFile(packageFile), policy, options);
  return verified;
}

/**
 * Verifies a package and writes it to `destDir` (which must not exist or be
 * empty). Everything is checked in memory first — paths, limits, every
 * file's sha256 against the manifest, the signature against the policy —
 * and the bytes checked are the bytes written. It lands in a sibling
 * temporary directory and is renamed into place, so `destDir` is either
 * complete or absent.
 */
export async function unpackPackage(
  packageFile: string,
  destDir: string,
  policy: TrustPolicy,
  options: VerifyOptions = {},
): Promise<VerifiedPackage> {
  const { verified, entries } = await verifyPackageData(await readFile(packageFile), policy, options);
  const existing = await readdir(destDir).catch(() => []);
  if (existing.length > 0) throw new ConflictError(`${destDir} is not empty; unpack into a new directory`);
  await mkdir(dirname(destDir), { recursive: true });
  const staging = join(dirname(destDir), `.unpack-${randomBytes(6).toString('hex')}`);
  try {
    await writeEntries(staging, entries);
    // Only an empty directory is removed; one filled meanwhile makes the rename fail instead.
    await rmdir(destDir).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    await rename(staging, destDir);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return verified;
}

/**
 * The whole check, on bytes in memory: a safe archive within limits, the
 * expected digest, a signature by a trusted key over `manifest.json` (or an
 * allow-unsigned policy), every file listed with its sha256 and nothing
 * more or less, and a valid `extension.yaml`.
 */
export async function verifyPackageData(
  data: Buffer,
  policy: TrustPolicy,
  options: VerifyOptions = {},
): Promise<{ verified: VerifiedPackage; entries: ArchiveEntry[] }> {
  const digest = packageDigest(data);
  if (options.expectedDigest !== undefined && options.expectedDigest !== digest) {
    throw new PackageRejectedError(
      'DigestMismatch',
      `package digest is ${digest}, but ${options.expectedDigest} was expected: the download is corrupt or was replaced`,
    );
  }
  const entries = await readArchive(data, options.limits ?? DEFAULT_ARCHIVE_LIMITS);
  const byPath = new Map(entries.map((entry) => [entry.path, entry]));
  const manifestData = fileData(byPath, MANIFEST_PATH);
  if (!manifestData) throw new PackageRejectedError('BadPackage', `the package has no ${MANIFEST_PATH}`);
  const publisher = checkSignature(manifestData, fileData(byPath, SIGNATURE_PATH), policy);
  checkFiles(parseManifest(manifestData), entries);
  const yaml = fileData(byPath, EXTENSION_FILE);
  if (!yaml) throw new PackageRejectedError('BadPackage', `the package has no ${EXTENSION_FILE}`);
  const manifest = validateExtensionManifest(parseYaml(yaml.toString('utf8')) as unknown);
  return { verified: { manifest, digest, ...(publisher ? { publisher } : {}) }, entries };
}

function fileData(byPath: Map<string, ArchiveEntry>, path: string): Buffer | undefined {
  const entry = byPath.get(path);
  return entry?.type === 'file' ? entry.data : undefined;
}

function checkSignature(
  manifest: Buffer,
  signatureData: Buffer | undefined,
  policy: TrustPolicy,
): VerifiedPackage['publisher'] {
  if (!signatureData) {
    if (policy.allowUnsigned) return undefined;
    throw new PackageRejectedError(
      'Unsigned',
      'the package is not signed; sign it (`mortise sign`) or let an admin allow unsigned packages',
    );
  }
  let signature: PackageSignature;
  try {
    signature = JSON.parse(signatureData.toString('utf8')) as PackageSignature;
  } catch {
    throw new PackageRejectedError('Tampered', `${SIGNATURE_PATH} is not JSON`);
  }
  if (signature.algorithm !== 'ed25519' || typeof signature.keyId !== 'string') {
    throw new PackageRejectedError('Tampered', `${SIGNATURE_PATH} is not an ed25519 signature`);
  }
  const key = findTrustedKey(policy, signature.keyId);
  if (!key) {
    if (policy.allowUnsigned) return undefined;
    throw new PackageRejectedError(
      'UntrustedPublisher',
      `the package is signed by ${signature.keyId}, which is not a trusted publisher key; add its public key to registry.trustedKeys`,
    );
  }
  if (!verifyBytes(manifest, String(signature.signature), key.publicKeyPem)) {
    throw new PackageRejectedError('Tampered', `the signature by ${key.keyId} does not match the package manifest`);
  }
  return { keyId: key.keyId, ...(key.name !== undefined ? { name: key.name } : {}) };
}

function parseManifest(data: Buffer): PackageManifest {
  let manifest: PackageManifest;
  try {
    manifest = JSON.parse(data.toString('utf8')) as PackageManifest;
  } catch {
    throw new PackageRejectedError('Tampered', `${MANIFEST_PATH} is not JSON`);
  }
  if (manifest.format !== MANIFEST_FORMAT || !Array.isArray(manifest.files)) {
    throw new PackageRejectedError('Tampered', `${MANIFEST_PATH} is not a ${MANIFEST_FORMAT} manifest`);
  }
  return manifest;
}

/** Every packaged path is listed with the same content, and every listed path is packaged. */
function checkFiles(manifest: PackageManifest, entries: readonly ArchiveEntry[]): void {
  const listed = new Map<string, ManifestEntry>(manifest.files.map((file) => [file.path, file]));
  const seen = new Set<string>();
  for (const entry of entries) {
    if (entry.type === 'directory' || entry.path === MANIFEST_PATH || entry.path === SIGNATURE_PATH) continue;
    const expected = listed.get(entry.path);
    if (!expected || entry.path.startsWith(`${PACKAGE_META_DIR}/`)) {
      throw new PackageRejectedError('Tampered', `"${entry.path}" is in the package but not in its manifest`);
    }
    const actual = manifestEntryOf(entry);
    const same =
      actual.type === expected.type &&
      (actual.type === 'file'
        ? expected.type === 'file' && actual.sha256 === expected.sha256 && actual.size === expected.size
        : expected.type === 'symlink' && actual.target === expected.target);
    if (!same) throw new PackageRejectedError('Tampered', `"${entry.path}" does not match the package manifest`);
    seen.add(entry.path);
  }
  for (const path of listed.keys()) {
    if (!seen.has(path)) throw new PackageRejectedError('Tampered', `"${path}" is in the manifest but missing`);
  }
}
