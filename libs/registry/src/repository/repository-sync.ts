import { NotFoundError, type Condition, type Repository } from '@mortise/api';
import { getIfExists, type ResourceStore } from '@mortise/store';
import { readLocation, redact, resolveLocation } from '../package/location-reader.js';
import type { TrustPolicy } from '../package/publisher-key.js';
import { applyRepositoryIndex, type CatalogueChange } from './catalogue-writer.js';
import { RepositoryRef } from './catalogue-names.js';
import { checkIndexSignature } from './index-signature.js';
import { indexDigest, syncedAlready } from './index-digest.js';
import { repositoryAccess, type SecretSource } from './repository-access.js';
import {
  BadIndexError,
  INDEX_FILE,
  INDEX_SIGNATURE_FILE,
  emptyRepositoryIndex,
  parseRepositoryIndex,
} from './repository-index.js';

/** Why a sync failed, as the Repository's `Ready` condition reason. */
export type SyncFailure = 'Unreachable' | 'BadIndex' | 'BadSignature';

export type SyncResult =
  | {
      repository: string;
      ok: true;
      change: CatalogueChange;
      syncedAt: string;
      /** The index and everything else it depended on were as at the last successful sync: nothing was applied. */
      unchanged: boolean;
      indexDigest: string;
    }
  | { repository: string; ok: false; reason: SyncFailure; message: string };

export interface RepositorySyncOptions {
  store: ResourceStore;
  /** The kernel's version: `recommendedVersion` is the newest whose `kernel` range accepts it. */
  kernelVersion: string;
  /** Trusted keys for signed indexes; read at each sync. */
  policy: TrustPolicy | (() => TrustPolicy);
  secrets?: SecretSource;
  /** Largest index accepted, in bytes (default 32 MiB). */
  maxIndexBytes?: number;
  now?: () => Date;
}

const DEFAULT_MAX_INDEX_BYTES = 32 * 1024 * 1024;

class SyncError extends Error {
  constructor(
    readonly reason: SyncFailure,
    message: string,
  ) {
    super(message);
  }
}

/**
 * One sync of one Repository: fetch `index.json` (and `index.json.sig`),
 * check the signature and the format, apply it to the catalogue, and
 * report `status.lastSyncTime` (of the last successful sync) and a `Ready`
 * condition whose reason says what failed: Unreachable, BadIndex,
 * BadSignature. A failed sync changes nothing in the catalogue.
 */
export async function syncRepository(options: RepositorySyncOptions, name: string): Promise<SyncResult | undefined> {
  const { store } = options;
  const repository = await getIfExists<Repository>(store, { ...RepositoryRef, name });
  if (!repository || repository.metadata.deletionTimestamp) return undefined;
  const now = (options.now ?? (() => new Date()))();
  let result: SyncResult;
  try {
    const applied = await fetchAndApply(options, repository);
    result = { repository: name, ok: true, ...applied, syncedAt: now.toISOString() };
  } catch (error) {
    if (!(error instanceof SyncError)) throw error;
    result = { repository: name, ok: false, reason: error.reason, message: error.message };
  }
  await reportStatus(store, repository, result, now);
  return result;
}

/** Removes what a deleted Repository listed (installed versions stay). */
export async function forgetRepository(options: RepositorySyncOptions, name: string): Promise<CatalogueChange> {
  return applyRepositoryIndex(
    options.store,
    { repository: name, baseUrl: 'file:///' },
    emptyRepositoryIndex(),
    options.kernelVersion,
  );
}

/** The index document's URL: the repository URL itself when it names a `.json` file, else `<url>/index.json`. */
export function indexUrlOf(url: string): string {
  return new URL(url).pathname.endsWith('.json') ? url : resolveLocation(url, INDEX_FILE);
}

interface Applied {
  change: CatalogueChange;
  unchanged: boolean;
  indexDigest: string;
}

async function fetchAndApply(options: RepositorySyncOptions, repository: Repository): Promise<Applied> {
  const indexUrl = indexUrlOf(repository.spec.url);
  const maxBytes = options.maxIndexBytes ?? DEFAULT_MAX_INDEX_BYTES;
  let access;
  try {
    access = await repositoryAccess(repository, options.secrets);
  } catch (error) {
    throw new SyncError('Unreachable', (error as Error).message);
  }
  const index = await readLocation(indexUrl, maxBytes, access).catch((error: unknown) => {
    throw new SyncError('Unreachable', `cannot read ${redact(indexUrl)}: ${(error as Error).message}`);
  });
  const signatureUrl = new URL(INDEX_SIGNATURE_FILE, indexUrl).toString();
  const signature = await readLocation(signatureUrl, 64 * 1024, access).catch((error: unknown) => {
    if (error instanceof NotFoundError) return undefined;
    throw new SyncError('Unreachable', `cannot read ${redact(signatureUrl)}: ${(error as Error).message}`);
  });
  const policy = typeof options.policy === 'function' ? options.policy() : options.policy;
  const digest = indexDigest(repository, { index, signature, policy, kernelVersion: options.kernelVersion, indexUrl });
  // Restarts and polls of an unchanged repository skip the signature check, the parse and the catalogue diff.
  if (syncedAlready(repository, digest)) return { change: emptyChange(), unchanged: true, indexDigest: digest };
  const check = checkIndexSignature(index, signature, policy);
  if (!check.ok) throw new SyncError('BadSignature', check.message);
  let parsed;
  try {
    parsed = parseRepositoryIndex(index);
  } catch (error) {
    if (error instanceof BadIndexError) throw new SyncError('BadIndex', error.message);
    throw error;
  }
  const change = await applyRepositoryIndex(
    options.store,
    {
      repository: repository.metadata.name,
      baseUrl: new URL('.', indexUrl).toString(),
      ...(repository.spec.depth !== undefined ? { depth: repository.spec.depth } : {}),
    },
    parsed,
    options.kernelVersion,
  );
  return { change, unchanged: false, indexDigest: digest };
}

function emptyChange(): CatalogueChange {
  return { created: 0, updated: 0, removed: 0, keptInstalled: 0, conflicts: [], extensions: 0, versions: 0 };
}

async function reportStatus(
  store: ResourceStore,
  repository: Repository,
  result: SyncResult,
  now: Date,
): Promise<void> {
  const previous = repository.status?.conditions?.find((condition) => condition.type === 'Ready');
  const condition: Condition = result.ok
    ? {
        type: 'Ready',
        status: 'True',
        reason: 'Synced',
        // Unchanged: what the catalogue holds is what the last sync reported.
        message: result.unchanged && previous ? previous.message : syncedMessage(result.change),
      }
    : { type: 'Ready', status: 'False', reason: result.reason, message: result.message };
  const transitioned = previous?.status !== condition.status || previous.reason !== condition.reason;
  condition.lastTransitionTime = transitioned ? now.toISOString() : (previous.lastTransitionTime ?? now.toISOString());
  if (repository.metadata.generation !== undefined) condition.observedGeneration = repository.metadata.generation;
  const others = (repository.status?.conditions ?? []).filter((c) => c.type !== 'Ready');
  const status: Record<string, unknown> = { conditions: [...others, condition] };
  if (result.ok) {
    status.lastSyncTime = result.syncedAt;
    // Versions skipped for another repository, or kept because installed, can change without this index
    // changing (that repository goes, the version is uninstalled): then the next sync must run in full.
    const settled = result.change.conflicts.length === 0 && result.change.keptInstalled === 0;
    status.indexDigest = settled ? result.indexDigest : null;
  }
  await store
    .patch(
      { ...RepositoryRef, name: repository.metadata.name },
      { type: 'merge', patch: { status } },
      { subresource: 'status' },
    )
    .catch((error: unknown) => {
      // Deleted meanwhile: nothing to report on.
      if (!(error instanceof NotFoundError)) throw error;
    });
}

function syncedMessage(change: CatalogueChange): string {
  const parts = [`${change.versions} versions of ${change.extensions} extensions`];
  if (change.keptInstalled > 0) parts.push(`${change.keptInstalled} installed versions kept though no longer listed`);
  if (change.conflicts.length > 0)
    parts.push(`skipped, provided by another repository: ${change.conflicts.join(', ')}`);
  return parts.join('; ');
}
