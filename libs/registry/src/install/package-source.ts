import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { InvalidError, type ExtensionManifest, type ExtensionVersion } from '@mortise/api';
import type { EnsuredPackage } from '../package/package-store.js';

/**
 * Where install plans get packages from: `PackageStore` (download, digest
 * and signature checks, unpack once per replica) is the one for packages
 * from repositories.
 */
export interface PackageSource {
  ensure(version: ExtensionVersion): Promise<EnsuredPackage>;
}

/**
 * Packages that are already unpacked directories (`spec.location` a path or
 * `file://` URL of a directory holding `extension.yaml`): development kernels,
 * tests and benchmarks. No digest or signature check: use `PackageStore` for
 * anything downloaded.
 */
export class LocalDirectoryPackages implements PackageSource {
  async ensure(version: ExtensionVersion): Promise<EnsuredPackage> {
    const location = version.spec.location;
    if (!location) {
      throw new InvalidError(`ExtensionVersion "${version.metadata.name}" has no spec.location to install from`);
    }
    const directory = location.startsWith('file:') ? fileURLToPath(location) : location;
    if (!isAbsolute(directory)) {
      throw new InvalidError(`ExtensionVersion "${version.metadata.name}": ${location} is not a local directory`);
    }
    const manifest = parse(await readFile(join(directory, 'extension.yaml'), 'utf8')) as ExtensionManifest;
    return { directory, manifest, digest: version.spec.digest ?? 'local' };
  }
}

/**
 * Versions with a digest come from `verified` (the PackageStore: download,
 * digest and signature checks); versions without one must be local
 * directories (development kernels).
 */
export class DigestRoutedPackages implements PackageSource {
  constructor(
    private readonly verified: PackageSource,
    private readonly local: PackageSource = new LocalDirectoryPackages(),
  ) {}

  ensure(version: ExtensionVersion): Promise<EnsuredPackage> {
    return version.spec.digest ? this.verified.ensure(version) : this.local.ensure(version);
  }
}
