import { lstat, readFile, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArchiveEntry } from './archive-reader.js';
import { EXTENSION_FILE } from './package-manifest.js';

/** Top-level files that go into a package when present. */
const TOP_LEVEL_FILES = [/^extension\.yaml$/, /^package\.json$/, /^(README|CHANGELOG|LICENSE|NOTICE)(\.[a-z]+)?$/i];
/** Directories that go into a package: the built backend and the frontend assets. */
const DIRECTORIES = ['dist', 'public', 'assets'];
/** Test output, type declarations, source maps and build state stay out. */
const EXCLUDED = [/\.(spec|test)\.[cm]?js$/, /\.d\.[cm]?ts$/, /\.map$/, /\.tsbuildinfo$/, /^\./];

/**
 * The files of an extension's source directory that make its package:
 * `extension.yaml`, `package.json`, README, CHANGELOG, LICENSE, NOTICE and
 * everything under `dist/`, `public/` and `assets/`, minus tests,
 * declarations, source maps, dotfiles and `node_modules`.
 */
export async function collectPackageContents(sourceDir: string): Promise<ArchiveEntry[]> {
  const entries: ArchiveEntry[] = [];
  const top = await readdir(sourceDir);
  if (!top.includes(EXTENSION_FILE)) throw new Error(`${sourceDir} has no ${EXTENSION_FILE}`);
  for (const name of top.sort()) {
    if (TOP_LEVEL_FILES.some((pattern) => pattern.test(name))) {
      const entry = await readEntry(sourceDir, name);
      if (entry) entries.push(entry);
    } else if (DIRECTORIES.includes(name)) {
      await walk(sourceDir, name, entries);
    }
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
    if (name === 'node_modules' || EXCLUDED.some((pattern) => pattern.test(name))) continue;
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
