import { readFile } from 'node:fs/promises';
import { releaseService } from '@mortise/kernel';
import { parse } from 'yaml';
import { EXTENSION_NAME } from '../gateway-objects.js';

/**
 * Publishes the sample's own `extension.yaml` to a test kernel's store, with
 * the service at `serviceUrl` as its backend (the manifest names a fixed
 * port); returns the version, ready for an InstallPlan.
 */
export async function releaseNotes(store: Parameters<typeof releaseService>[0], serviceUrl: string): Promise<string> {
  const text = await readFile(new URL('../../extension.yaml', import.meta.url), 'utf8');
  const { backend: _fixedPort, ...manifest } = parse(text) as Record<string, unknown> & { version: string };
  await releaseService(store, EXTENSION_NAME, manifest.version, serviceUrl, manifest);
  return manifest.version;
}
