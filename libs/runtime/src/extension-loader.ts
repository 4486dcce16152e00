import { resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvalidError } from '@mortise/api';
import { isExtensionDefinition, type ExtensionDefinition } from '@mortise/sdk';
import { readManifest, type RuntimeManifest } from './extension-manifest.js';
import { LOAD_PARAM } from './shared-packages.hooks.js';
import { registerSharedPackages } from './shared-packages.js';

export interface LoadedPackage {
  directory: string;
  manifest: RuntimeManifest;
  definition: ExtensionDefinition;
}

let loads = 0;

/**
 * Imports an extension package from its directory. ESM modules are never
 * unloaded; each load evaluates a fresh module graph (marked with a load
 * number the resolve hook passes on to relative imports), so a reload of the
 * same directory runs the new code and the old graph is left to the GC once
 * nothing refers to it.
 */
export async function loadExtensionPackage(directory: string): Promise<LoadedPackage> {
  registerSharedPackages();
  const root = resolvePath(directory);
  const manifest = await readManifest(root);
  const entry = pathToFileURL(resolvePath(root, manifest.backend.module));
  if (!entry.href.startsWith(pathToFileURL(root).href + '/')) {
    throw new InvalidError(`backend.module "${manifest.backend.module}" must be a path inside the package`);
  }
  entry.searchParams.set(LOAD_PARAM, String(++loads));
  let exported: { default?: unknown };
  try {
    exported = (await import(entry.href)) as { default?: unknown };
  } catch (err) {
    throw new InvalidError(
      `extension "${manifest.name}" could not be imported from ${manifest.backend.module}: ${(err as Error).message}. Build the package and check backend.module in extension.yaml.`,
    );
  }
  if (!isExtensionDefinition(exported.default)) {
    throw new InvalidError(
      `extension "${manifest.name}": ${manifest.backend.module} must \`export default defineExtension({ module })\` from @mortise/sdk`,
    );
  }
  return { directory: root, manifest, definition: exported.default };
}
