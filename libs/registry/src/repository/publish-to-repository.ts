import { copyFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import semver from 'semver';
import { ConflictError } from '@mortise/api';
import type { ArchiveEntry } from '../package/archive-reader.js';
import { SIGNATURE_ALGORITHM, keyIdOf, signBytes } from '../package/publisher-key.js';
import { SIGNATURE_PATH, type PackageSignature } from '../package/package-manifest.js';
import { verifyPackageData } from '../package/verify-package.js';
import {
  INDEX_FILE,
  INDEX_SIGNATURE_FILE,
  emptyRepositoryIndex,
  parseRepositoryIndex,
  type IndexedVersion,
  type RepositoryIndex,
} from './repository-index.js';

/** README and CHANGELOG are cut to this many characters in the index. */
const MAX_DOCUMENT_CHARS = 64 * 1024;

export interface PublishOptions {
  /** Signs `index.json` (detached, `index.json.sig`) so syncs can tell the index is the publisher's. */
  signingKey?: { privateKeyPem: string };
  /** Replace a published version whose package differs (versions are otherwise immutable). */
  replace?: boolean;
  /** Publication time; defaults to now. */
  now?: Date;
}

export interface PublishResult {
  name: string;
  version: string;
  digest: string;
  /** Relative to the repository root. */
  location: string;
}

/**
 * Adds a package to a repository directory: copies it to
 * `packages/<name>-<version>.tgz` and lists it in `index.json` (written
 * atomically). The package must be intact (files match its manifest);
 * whether its publisher is trusted is for each kernel to decide. Publishing
 * the same bytes again is a no-op; different bytes under a published version
 * is a Conflict unless `replace`.
 */
export async function publishToRepository(
  repoDir: string,
  packageFile: string,
  options: PublishOptions = {},
): Promise<PublishResult> {
  const data = await readFile(packageFile);
  const { verified, entries } = await verifyPackageData(data, { trustedKeys: [], allowUnsigned: true });
  const { manifest, digest } = verified;
  const location = `packages/${manifest.name}-${manifest.version}.tgz`;
  const index = await readIndex(repoDir);
  let extension = index.extensions.find((candidate) => candidate.name === manifest.name);
  if (!extension) {
    extension = { name: manifest.name, versions: [] };
    index.extensions.push(extension);
    index.extensions.sort((a, b) => a.name.localeCompare(b.name));
  }
  const existing = extension.versions.find((candidate) => candidate.version === manifest.version);
  if (existing?.digest === digest) return { name: manifest.name, version: manifest.version, digest, location };
  if (existing && !options.replace) {
    throw new ConflictError(
      `${manifest.name} ${manifest.version} is already published with another package (${existing.digest}); publish a new version`,
    );
  }
  await mkdir(join(repoDir, 'packages'), { recursive: true });
  await copyFile(packageFile, join(repoDir, `${location}.tmp`));
  await rename(join(repoDir, `${location}.tmp`), join(repoDir, location));
  const publisher = signerOf(entries);
  const readme = documentOf(entries, /^readme(\.md)?$/i);
  const changelog = documentOf(entries, /^changelog(\.md)?$/i);
  const entry: IndexedVersion = {
    version: manifest.version,
    digest,
    location,
    created: (options.now ?? new Date()).toISOString(),
    ...(publisher ? { publisher } : {}),
    manifest,
    ...(readme !== undefined ? { readme } : {}),
    ...(changelog !== undefined ? { changelog } : {}),
  };
  extension.versions = [...extension.versions.filter((v) => v.version !== manifest.version), entry].sort((a, b) =>
    semver.rcompare(a.version, b.version),
  );
  await writeIndex(repoDir, index, options);
  return { name: manifest.name, version: manifest.version, digest, location };
}

/** `index.json` of a repository directory, or an empty one. */
export async function readIndex(repoDir: string): Promise<RepositoryIndex> {
  const data = await readFile(join(repoDir, INDEX_FILE)).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  return data ? parseRepositoryIndex(data) : emptyRepositoryIndex();
}

/** Writes `index.json` (and its signature when a key is given) through a rename. */
export async function writeIndex(
  repoDir: string,
  index: RepositoryIndex,
  options: Pick<PublishOptions, 'signingKey' | 'now'> = {},
): Promise<void> {
  await mkdir(repoDir, { recursive: true });
  const body = Buffer.from(
    `${JSON.stringify({ ...index, generated: (options.now ?? new Date()).toISOString() }, null, 2)}\n`,
  );
  if (options.signingKey) {
    const signature: PackageSignature = {
      algorithm: SIGNATURE_ALGORITHM,
      keyId: keyIdOf(options.signingKey.privateKeyPem),
      signature: signBytes(body, options.signingKey.privateKeyPem),
    };
    await writeAtomically(join(repoDir, INDEX_SIGNATURE_FILE), Buffer.from(`${JSON.stringify(signature)}\n`));
  }
  await writeAtomically(join(repoDir, INDEX_FILE), body);
}

async function writeAtomically(path: string, data: Buffer): Promise<void> {
  await writeFile(`${path}.tmp`, data);
  await rename(`${path}.tmp`, path);
}

function signerOf(entries: readonly ArchiveEntry[]): string | undefined {
  const entry = entries.find((candidate) => candidate.path === SIGNATURE_PATH);
  if (entry?.type !== 'file') return undefined;
  try {
    return (JSON.parse(entry.data.toString('utf8')) as PackageSignature).keyId;
  } catch {
    return undefined;
  }
}

function documentOf(entries: readonly ArchiveEntry[], name: RegExp): string | undefined {
  const entry = entries.find((candidate) => candidate.type === 'file' && name.test(candidate.path));
  if (entry?.type !== 'file') return undefined;
  return entry.data.toString('utf8').slice(0, MAX_DOCUMENT_CHARS);
}
