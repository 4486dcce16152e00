import type { ReadEntry } from 'tar';
import { PackageRejectedError } from './package-error.js';

/** Bounds on what a package may hold; a package past one is refused before anything is written. */
export interface ArchiveLimits {
  /** Compressed size of the package file. */
  maxPackageBytes: number;
  /** Files, directories and links together. */
  maxEntries: number;
  /** Sum of the uncompressed file sizes. */
  maxTotalBytes: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxPackageBytes: 64 * 1024 * 1024,
  maxEntries: 10_000,
  maxTotalBytes: 128 * 1024 * 1024,
};

export type ArchiveEntry =
  | { path: string; type: 'file'; data: Buffer; executable: boolean }
  | { path: string; type: 'directory' }
  | { path: string; type: 'symlink'; target: string };

const FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);
const MAX_LINK_HOPS = 32;

/**
 * Reads a (gzipped) tar held in memory into checked entries: relative,
 * normalised paths without `..`, only files, directories and symlinks whose
 * target stays inside the root (following the archive's other links), no
 * path below a symlink, no duplicates, within the limits. Reading from one
 * buffer means what is verified is exactly what is unpacked.
 */
export async function readArchive(
  data: Buffer,
  limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS,
): Promise<ArchiveEntry[]> {
  if (data.length > limits.maxPackageBytes) {
    throw new PackageRejectedError(
      'TooLarge',
      `package is ${data.length} bytes; the limit is ${limits.maxPackageBytes}`,
    );
  }
  const entries = new Map<string, ArchiveEntry>();
  let failure: Error | undefined;
  let totalBytes = 0;
  const fail = (error: Error, entry: ReadEntry): void => {
    failure ??= error;
    entry.resume();
  };
  // Loaded on the first package read: an idle kernel does not hold tar (~1 MB of heap).
  const { Parser } = await import('tar');
  const parser = new Parser({
    strict: true,
    onReadEntry: (entry: ReadEntry) => {
      if (failure) return void entry.resume();
      if (entries.size >= limits.maxEntries) {
        return fail(new PackageRejectedError('TooLarge', `package has more than ${limits.maxEntries} entries`), entry);
      }
      totalBytes += entry.size;
      if (totalBytes > limits.maxTotalBytes) {
        return fail(
          new PackageRejectedError('TooLarge', `package unpacks to more than ${limits.maxTotalBytes} bytes`),
          entry,
        );
      }
      let path: string;
      try {
        path = safeRelativePath(entry.path);
        if (entries.has(path)) throw unsafe(`"${path}" appears twice`);
      } catch (error) {
        return fail(error as Error, entry);
      }
      if (entry.type === 'Directory') {
        entries.set(path, { path, type: 'directory' });
        return void entry.resume();
      }
      if (entry.type === 'SymbolicLink') {
        entries.set(path, { path, type: 'symlink', target: entry.linkpath ?? '' });
        return void entry.resume();
      }
      if (!FILE_TYPES.has(entry.type)) {
        return fail(unsafe(`"${path}" is a ${entry.type}; packages hold only files, directories and symlinks`), entry);
      }
      const chunks: Buffer[] = [];
      entry.on('data', (chunk: Buffer) => chunks.push(chunk));
      entry.on('end', () => {
        const executable = ((entry.mode ?? 0) & 0o111) !== 0;
        entries.set(path, { path, type: 'file', data: Buffer.concat(chunks), executable });
      });
    },
  });
  await new Promise<void>((resolve) => {
    parser.on('error', (error: Error) => {
      failure ??= new PackageRejectedError('BadPackage', `not a readable gzipped tar: ${error.message}`);
    });
    parser.on('end', () => resolve());
    parser.end(data);
  });
  if (failure) throw failure;
  checkLinks(entries);
  return [...entries.values()];
}

/** `./a//b/` → `a/b`; refuses absolute paths, drive letters, backslashes, NUL and `..`. */
export function safeRelativePath(raw: string): string {
  if (raw.startsWith('/') || /^[a-zA-Z]:/.test(raw) || raw.includes('\\') || raw.includes('\0')) {
    throw unsafe(`"${raw}" is not a relative path inside the package`);
  }
  const segments = raw.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) throw unsafe(`"${raw}" climbs out with ".."`);
  if (segments.length === 0) throw unsafe(`"${raw}" names the package root`);
  return segments.join('/');
}

function checkLinks(entries: Map<string, ArchiveEntry>): void {
  const links = new Map<string, string>();
  for (const entry of entries.values()) if (entry.type === 'symlink') links.set(entry.path, entry.target);
  if (links.size === 0) return;
  for (const [path, target] of links) {
    if (target === '' || target.startsWith('/') || /^[a-zA-Z]:/.test(target) || target.includes('\\')) {
      throw unsafe(`symlink "${path}" points to "${target}", outside the package`);
    }
    if (resolveInside(path, links, 0) === undefined) {
      throw unsafe(`symlink "${path}" points to "${target}", outside the package`);
    }
  }
  // Writing below a link would write wherever it points.
  for (const path of entries.keys()) {
    const segments = path.split('/');
    for (let i = 1; i < segments.length; i++) {
      const ancestor = segments.slice(0, i).join('/');
      if (links.has(ancestor)) throw unsafe(`"${path}" lies below the symlink "${ancestor}"`);
    }
  }
}

/** Where `path` leads inside the root after following the archive's links, or undefined when it leaves it. */
function resolveInside(path: string, links: Map<string, string>, hops: number): string | undefined {
  const resolved: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (resolved.length === 0) return undefined;
      resolved.pop();
      continue;
    }
    resolved.push(segment);
    const target = links.get(resolved.join('/'));
    if (target === undefined) continue;
    if (hops >= MAX_LINK_HOPS || target.startsWith('/')) return undefined;
    const base = resolved.slice(0, -1).join('/');
    const next = resolveInside(base === '' ? target : `${base}/${target}`, links, hops + 1);
    if (next === undefined) return undefined;
    resolved.splice(0, resolved.length, ...(next === '' ? [] : next.split('/')));
  }
  return resolved.join('/');
}

function unsafe(message: string): PackageRejectedError {
  return new PackageRejectedError('UnsafeArchive', message);
}
