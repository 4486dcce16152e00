import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ExtensionManifest, Repository } from '@mortise/api';
import { packExtension, signPackage } from '../package/pack-extension.js';
import type { PublisherKey } from '../package/publisher-key.js';
import { publishToRepository, type PublishResult } from '../repository/publish-to-repository.js';
import { EXTENSIONS_API_VERSION } from '../repository/catalogue-names.js';
import { writeExtensionSource } from './extension-source.js';

export type ReleaseSpec = Partial<ExtensionManifest> & { name: string; version: string };

/** Packs, signs (when a key is given) and publishes each release into `repoDir`. */
export async function publishReleases(
  work: string,
  repoDir: string,
  releases: readonly ReleaseSpec[],
  key?: PublisherKey,
  indexKey: PublisherKey | undefined = key,
): Promise<PublishResult[]> {
  const results: PublishResult[] = [];
  for (const release of releases) {
    const source = join(work, 'sources', `${release.name}-${release.version}`);
    await mkdir(source, { recursive: true });
    await writeExtensionSource(source, release, {
      readme: `# ${release.displayName ?? release.name}\n`,
      changelog: `## ${release.version}\n`,
    });
    const file = join(work, 'built', `${release.name}-${release.version}.tgz`);
    await packExtension(source, file);
    if (key) await signPackage(file, key.privateKeyPem);
    results.push(await publishToRepository(repoDir, file, indexKey ? { signingKey: indexKey } : {}));
  }
  return results;
}

export function repositoryObject(name: string, url: string, spec: Partial<Repository['spec']> = {}): Repository {
  return { apiVersion: EXTENSIONS_API_VERSION, kind: 'Repository', metadata: { name }, spec: { url, ...spec } };
}

export function fileUrl(dir: string): string {
  return pathToFileURL(dir).href;
}
