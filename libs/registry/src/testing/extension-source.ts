import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ExtensionManifest } from '@mortise/api';

export interface ExtensionSourceOptions {
  readme?: string;
  changelog?: string;
  /** Extra files, path → content, relative to the source directory. */
  files?: Record<string, string>;
}

/**
 * Writes a minimal extension source directory (extension.yaml, package.json,
 * README, CHANGELOG, `dist/index.js`) for tests and benchmarks of packaging.
 */
export async function writeExtensionSource(
  dir: string,
  manifest: Partial<ExtensionManifest> & { name: string; version: string },
  options: ExtensionSourceOptions = {},
): Promise<string> {
  await mkdir(join(dir, 'dist'), { recursive: true });
  await writeFile(join(dir, 'extension.yaml'), stringify(manifest));
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: manifest.name, type: 'module' }));
  await writeFile(join(dir, 'README.md'), options.readme ?? `# ${manifest.name}\n`);
  await writeFile(join(dir, 'CHANGELOG.md'), options.changelog ?? `## ${manifest.version}\n- released\n`);
  await writeFile(join(dir, 'dist/index.js'), 'export default {};\n');
  for (const [path, content] of Object.entries(options.files ?? {})) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  return dir;
}
