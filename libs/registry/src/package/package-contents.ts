import { lstat, readFile, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArchiveEntry } from './archive-reader.js';
import { EXTENSION_FILE } from './package-manifest.js';

/** Top-level names that are sources or build state, not the package. */
const EXCLUDED_TOP_LEVEL = new Set(['src', 'test', 'tests', 'node_modules', 'coverage']);
const EXCLUDED_TOP_LEVEL_FILES = [/^tsconfig(\..+)?\.json$/, /^package-lock\.json$/];
/** Anywhere: dotfiles, dependencies, test output, type declarations, source maps, build state. */
const EXCLUDED = [/^\./, /^node_modules$/, /\.(spec|test)\.[cm]?js$/, /\.d\.[cm]?ts$/, /\.map$/, /\.tsbuildinfo$/];

/**
 * The files of an extension's source directory that make its package:
 * everything (`extension.yaml`, `package.json`, README, CHANGELOG, the built
 * `dist/`, frontend directories such as `ui/` or `public/`) except `src/`,
 * tests, `node_modules`, tsconfig files, dotfiles, type declarations, source
 * maps and build state.
 */
export async function collectPackageContents(sourceDir: string): Promise<ArchiveEntry[]> {
  const entries: ArchiveEntry[] = [];
  const top = await readdir(sourceDir);
  if (!top.includes(EXTENSION_FILE)) throw new Error(`${sourceDir} has no ${EXTENSION_FILE}`);
  for (const name of top.sort()) {
    if (EXCLUDED_TOP_LEVEL.has(name) || EXCLUDED_TOP_LEVEL_FILES.some((pattern) => pattern.test(name))) continue;
    if (EXCLUDED.some((pattern) => pattern.test(name))) continue;
    await walk(sourceDir, name, entries);
  }
  return entries;
}

async function walk(root: string, relative: string, into: ArchiveEntry[]): Promise<void> {
  const stat = await lstat(join(root, relative));
  if (!stat.isDirectory()) {
    const entry = await readEntry(root, relative);
    if (entry) into.push(entry);
    return;
  }
  for (const name of (await readdir(join(root, relative))).sort()) {
    if (EXCLUDED.some((pattern) => pattern.test(name))) continue;
    await walk(root, `${relative}/${name}`, into);
  }
}

async function readEntry(root: string, relative: string): Promise<ArchiveEntry | undefined> {
  const path = join(root, relative);
  const stat = await lstat(path);
  if (stat.isSymbolicLink()) return { path: relative, type: 'symlink', target: await readlink(path) };
  if (!stat.isFile()) return undefined;
  return { path: relative, type: 'file', data: await readFile(path), executable: (stat.mode & 0o111) !== 0 };
}
