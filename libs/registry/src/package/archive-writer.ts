import { chmod, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ArchiveEntry } from './archive-reader.js';

/** Every entry gets this mtime, so the same files always make the same bytes (and digest). */
const FIXED_MTIME = new Date('2000-01-01T00:00:00Z');

/**
 * Writes checked entries (from `readArchive`) below `root`. Paths were made
 * safe by the reader; files are written with `wx`, so nothing already there
 * is followed or overwritten.
 */
export async function writeEntries(root: string, entries: readonly ArchiveEntry[]): Promise<void> {
  await mkdir(root, { recursive: true });
  const existing = await readdir(root);
  if (existing.length > 0) throw new Error(`${root} is not empty`);
  for (const entry of entries) {
    const target = join(root, entry.path);
    if (entry.type === 'directory') {
      await mkdir(target, { recursive: true });
      continue;
    }
    await mkdir(dirname(target), { recursive: true });
    if (entry.type === 'symlink') {
      await symlink(entry.target, target);
      continue;
    }
    await writeFile(target, entry.data, { flag: 'wx' });
    await chmod(target, entry.executable ? 0o755 : 0o644);
  }
}

/**
 * A gzipped tar of `paths` below `root`, in the given order, with fixed
 * mtimes and no owner names: the same content gives the same bytes.
 */
export async function createTarball(root: string, paths: readonly string[], outFile: string): Promise<void> {
  await mkdir(dirname(outFile), { recursive: true });
  // Loaded when packing: an idle kernel does not hold tar.
  const { create } = await import('tar');
  await create({ gzip: true, file: outFile, cwd: root, portable: true, mtime: FIXED_MTIME, noDirRecurse: true }, [
    ...paths,
  ]);
}

/** Writes `entries` to a temporary directory and packs them into `outFile`. */
export async function writeTarball(entries: readonly ArchiveEntry[], outFile: string): Promise<void> {
  const staging = await mkdtemp(join(tmpdir(), 'mortise-package-'));
  try {
    await writeEntries(staging, entries);
    const paths = entries.filter((entry) => entry.type !== 'directory').map((entry) => entry.path);
    await createTarball(staging, paths.sort(), outFile);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
