import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

/**
 * Writes an extension package directory: `extension.yaml` and an entry that
 * re-exports a compiled module (tests' fixture extensions). Returns its path.
 */
export async function writeExtensionPackage(manifest: Record<string, unknown>, entry: URL): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'mortise-ext-'));
  await mkdir(join(directory, 'dist'));
  await writeFile(
    join(directory, 'extension.yaml'),
    stringify({ ...manifest, backend: { module: 'dist/index.js', ...(manifest['backend'] as object) } }),
  );
  await writeFile(join(directory, 'dist', 'index.js'), `export { default } from ${JSON.stringify(entry.href)};\n`);
  return directory;
}

/** A fixture extension compiled beside this file. */
export function fixtureEntry(name: 'faults' | 'broken' | 'shadowing'): URL {
  return new URL(`./fixtures/${name}.extension.js`, import.meta.url);
}
