import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

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

/**
 * Copies a built extension package (its `extension.yaml` and `dist/`) into a
 * new directory as `version`, as an install unpacks one: it has no
 * `node_modules`, so it runs only with the kernel's shared packages.
 */
export async function copyExtensionPackage(source: string, version: string): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), `mortise-ext-${version}-`));
  await cp(join(source, 'dist'), join(directory, 'dist'), { recursive: true });
  // Frontend bundles the manifest serves as files.
  if (existsSync(join(source, 'ui'))) await cp(join(source, 'ui'), join(directory, 'ui'), { recursive: true });
  const manifest = parse(await readFile(join(source, 'extension.yaml'), 'utf8')) as Record<string, unknown>;
  await writeFile(join(directory, 'extension.yaml'), stringify({ ...manifest, version }));
  return directory;
}
