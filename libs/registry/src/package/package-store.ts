import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { InvalidError, type ExtensionManifest, type ExtensionVersion } from '@mortise/api';
import { DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from './archive-reader.js';
import { writeEntries } from './archive-writer.js';
import { validateExtensionManifest } from './extension-manifest.js';
import { readLocation, type LocationAccess } from './location-reader.js';
import { EXTENSION_FILE } from './package-manifest.js';
import type { TrustPolicy } from './publisher-key.js';
import { verifyPackageData } from './verify-package.js';

export interface PackageStoreOptions {
  /** Where unpacked packages live, one directory per sha256: `<dataDir>/packages`. */
  directory: string;
  /** Read at each download, so a changed policy applies to the next one. */
  policy: TrustPolicy | (() => TrustPolicy);
  limits?: ArchiveLimits;
  /** TLS roots and credentials of the repository a version came from. */
  accessFor?: (version: ExtensionVersion) => Promise<LocationAccess>;
}

export interface EnsuredPackage {
  /** The unpacked package root: `extension.yaml`, `dist/`, … */
  directory: string;
  manifest: ExtensionManifest;
  /** `sha256:<hex>`. */
  digest: string;
}

const DIGEST = /^sha256:([a-f0-9]{64})$/;

/**
 * Packages unpacked content-addressed under `packages/<sha256hex>`. Each
 * kernel replica ensures for itself: download `spec.location`, check
 * `spec.digest`, verify against the trust policy, unpack to a temporary
 * directory and rename it into place. A directory that exists was complete
 * when renamed, so it is used as is; concurrent ensures of one digest share
 * one download in a process, and across processes the first rename wins.
 */
export class PackageStore {
  private readonly inFlight = new Map<string, Promise<EnsuredPackage>>();

  constructor(private readonly options: PackageStoreOptions) {}

  get directory(): string {
    return this.options.directory;
  }

  /** The unpacked root of `digest`, whether or not it is there yet. */
  pathOf(digest: string): string {
    return join(this.options.directory, hexOf(digest));
  }

  async has(digest: string): Promise<boolean> {
    return (await stat(this.pathOf(digest)).catch(() => undefined))?.isDirectory() ?? false;
  }

  ensure(version: ExtensionVersion): Promise<EnsuredPackage> {
    const { digest, location } = version.spec;
    const name = version.metadata.name;
    if (!digest || !DIGEST.test(digest)) {
      return Promise.reject(
        new InvalidError(`ExtensionVersion "${name}" has no sha256 digest; it cannot be installed`),
      );
    }
    if (!location) {
      return Promise.reject(new InvalidError(`ExtensionVersion "${name}" has no location to download it from`));
    }
    let pending = this.inFlight.get(digest);
    if (!pending) {
      pending = this.ensureDigest(version, digest, location).finally(() => this.inFlight.delete(digest));
      this.inFlight.set(digest, pending);
    }
    return pending;
  }

  /** Removes an unpacked package (after an uninstall); a later ensure brings it back. */
  async remove(digest: string): Promise<void> {
    await rm(this.pathOf(digest), { recursive: true, force: true });
  }

  private async ensureDigest(version: ExtensionVersion, digest: string, location: string): Promise<EnsuredPackage> {
    const directory = this.pathOf(digest);
    if (await this.has(digest)) return { directory, manifest: await readManifest(directory), digest };
    const limits = this.options.limits ?? DEFAULT_ARCHIVE_LIMITS;
    const access = (await this.options.accessFor?.(version)) ?? {};
    const data = await readLocation(location, limits.maxPackageBytes, access);
    const policy = typeof this.options.policy === 'function' ? this.options.policy() : this.options.policy;
    const { verified, entries } = await verifyPackageData(data, policy, { limits, expectedDigest: digest });
    await mkdir(this.options.directory, { recursive: true });
    const staging = join(
      this.options.directory,
      `.tmp-${hexOf(digest).slice(0, 12)}-${randomBytes(6).toString('hex')}`,
    );
    try {
      await writeEntries(staging, entries);
      await rename(staging, directory).catch(async (error: NodeJS.ErrnoException) => {
        // Another replica (or process) renamed the same content first.
        if ((error.code === 'ENOTEMPTY' || error.code === 'EEXIST') && (await this.has(digest))) return;
        throw error;
      });
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
    return { directory, manifest: verified.manifest, digest };
  }
}

function hexOf(digest: string): string {
  const match = DIGEST.exec(digest);
  if (!match?.[1]) throw new InvalidError(`"${digest}" is not a sha256 digest`);
  return match[1];
}

async function readManifest(directory: string): Promise<ExtensionManifest> {
  return validateExtensionManifest(parseYaml(await readFile(join(directory, EXTENSION_FILE), 'utf8')) as unknown);
}
