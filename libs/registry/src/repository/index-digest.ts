import { createHash } from 'node:crypto';
import type { Repository } from '@mortise/api';
import type { TrustPolicy } from '../package/publisher-key.js';
import { SYNC_REQUEST_ANNOTATION } from './catalogue-names.js';

export interface IndexDigestInputs {
  index: Buffer;
  signature: Buffer | undefined;
  policy: TrustPolicy;
  kernelVersion: string;
  /** Where the index was read from: relative package locations resolve against it. */
  indexUrl: string;
}

/**
 * Everything a sync's outcome depends on besides the catalogue itself: the
 * index and signature bytes, the trust policy, the kernel version (it picks
 * the recommended version), the Repository's spec generation and its
 * sync-requested annotation. Equal digests give an equal catalogue, so a
 * sync that finds the digest it recorded last time has nothing to do; an
 * explicit sync request (a new annotation value) always syncs in full.
 */
export function indexDigest(repository: Repository, inputs: IndexDigestInputs): string {
  const hash = createHash('sha256');
  const field = (value: string | Buffer): void => {
    hash.update(`${value.length}:`);
    hash.update(value);
  };
  field(inputs.index);
  field(inputs.signature ?? '');
  field(JSON.stringify(inputs.policy.trustedKeys.map((key) => [key.keyId ?? '', key.publicKeyPem])));
  field(String(inputs.policy.allowUnsigned));
  field(inputs.kernelVersion);
  field(inputs.indexUrl);
  field(String(repository.metadata.generation ?? 0));
  field(repository.metadata.annotations?.[SYNC_REQUEST_ANNOTATION] ?? '');
  return `sha256:${hash.digest('hex')}`;
}

/** The last sync succeeded on these very inputs. */
export function syncedAlready(repository: Repository, digest: string): boolean {
  const ready = repository.status?.conditions?.find((condition) => condition.type === 'Ready');
  return repository.status?.indexDigest === digest && ready?.status === 'True';
}
