import { readFile, rename, rm } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import type { ExtensionManifest } from '@mortise/api';
import { readArchive, type ArchiveEntry } from './archive-reader.js';
import { writeTarball } from './archive-writer.js';
import { collectPackageContents } from './package-contents.js';
import { validateExtensionManifest } from './extension-manifest.js';
import { PackageRejectedError } from './package-error.js';
import {
  EXTENSION_FILE,
  MANIFEST_PATH,
  PACKAGE_META_DIR,
  SIGNATURE_PATH,
  packageDigest,
  serializeManifest,
  sha256Hex,
  type ManifestEntry,
  type PackageSignature,
} from './package-manifest.js';
import { SIGNATURE_ALGORITHM, keyIdOf, signBytes } from './publisher-key.js';

export interface PackResult {
  /** `sha256:<hex>` of the written package file. */
  digest: string;
  /** `extension.yaml`, checked against the manifest schema. */
  manifest: ExtensionManifest;
  /** What the package's `manifest.json` lists. */
  files: ManifestEntry[];
}

/**
 * Packs an extension's source directory (see `collectPackageContents` for
 * what goes in) into a gzipped tarball with `.mortise/manifest.json`. The
 * result is unsigned; `signPackage` adds the signature.
 */
export async function packExtension(sourceDir: string, outFile: string): Promise<PackResult> {
  const contents = await collectPackageContents(sourceDir);
  const yamlEntry = contents.find((entry) => entry.path === EXTENSION_FILE);
  const manifest = validateExtensionManifest(
    parseYaml(yamlEntry?.type === 'file' ? yamlEntry.data.toString('utf8') : '') as unknown,
  );
  const files = contents.map(manifestEntryOf);
  const entries: ArchiveEntry[] = [
    ...contents,
    { path: MANIFEST_PATH, type: 'file', data: serializeManifest(files), executable: false },
  ];
  await writeTarball(entries, outFile);
  return { digest: packageDigest(await readFile(outFile)), manifest, files };
}

export interface SignResult {
  /** `sha256:<hex>` of the signed package file. */
  digest: string;
  keyId: string;
}

/**
 * Signs a package's manifest with an ed25519 private key (PKCS#8 PEM) and
 * writes the package with `.mortise/signature.json` to `outFile` (default:
 * in place). A previous signature is replaced. The files are not re-checked
 * here; verification does that.
 */
export async function signPackage(
  packageFile: string,
  privateKeyPem: string,
  outFile = packageFile,
): Promise<SignResult> {
  const entries = await readArchive(await readFile(packageFile));
  const manifestEntry = entries.find((entry) => entry.path === MANIFEST_PATH);
  if (manifestEntry?.type !== 'file') {
    throw new PackageRejectedError('BadPackage', `${packageFile} has no ${MANIFEST_PATH}; make it with packExtension`);
  }
  const keyId = keyIdOf(privateKeyPem);
  const signature: PackageSignature = {
    algorithm: SIGNATURE_ALGORITHM,
    keyId,
    signature: signBytes(manifestEntry.data, privateKeyPem),
  };
  const kept = entries.filter((entry) => entry.path !== SIGNATURE_PATH && entry.path !== PACKAGE_META_DIR);
  kept.push({
    path: SIGNATURE_PATH,
    type: 'file',
    data: Buffer.from(`${JSON.stringify(signature)}\n`),
    executable: false,
  });
  if (outFile === packageFile) {
    // Packed to a temporary name first: a failed write must not destroy the input.
    const temporary = `${outFile}.${process.pid}.signing`;
    try {
      await writeTarball(kept, temporary);
      await rename(temporary, outFile);
    } finally {
      await rm(temporary, { force: true });
    }
  } else {
    await writeTarball(kept, outFile);
  }
  return { digest: packageDigest(await readFile(outFile)), keyId };
}

export function manifestEntryOf(entry: ArchiveEntry): ManifestEntry {
  switch (entry.type) {
    case 'file':
      return { path: entry.path, type: 'file', size: entry.data.length, sha256: sha256Hex(entry.data) };
    case 'symlink':
      return { path: entry.path, type: 'symlink', target: entry.target };
    case 'directory':
      throw new Error(`directories are not listed in a manifest: ${entry.path}`);
    default: {
      const never: never = entry;
      return never;
    }
  }
}
