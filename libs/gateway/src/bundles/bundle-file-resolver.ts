import { realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { hasDotSegment } from '../routing/route-matcher.js';

export interface ResolvedFile {
  path: string;
  size: number;
  mtimeMs: number;
}

/** Whether `file` is the entry or one of the listed assets (an entry ending in `/` lists a directory). */
function isListed(file: string, entry: string, assets: readonly string[]): boolean {
  const normal = (p: string): string => p.replace(/^\.?\//, '');
  if (file === normal(entry)) return true;
  return assets.some((a) => {
    const asset = normal(a);
    return asset.endsWith('/') ? file.startsWith(asset) : file === asset;
  });
}

/**
 * The file a `/dist` request names inside an installed package, or
 * undefined. Only the entry and the listed assets are served; `..` and
 * encoded variants are refused; the real path (symlinks followed) must stay
 * inside the package's real root.
 */
export async function resolveBundleFile(
  root: string,
  requested: string,
  entry: string,
  assets: readonly string[],
): Promise<ResolvedFile | undefined> {
  if (hasDotSegment(requested) || !isListed(requested, entry, assets)) return undefined;
  try {
    const realRoot = await realpath(root);
    const real = await realpath(join(realRoot, requested));
    if (!real.startsWith(realRoot + sep)) return undefined;
    const info = await stat(real);
    if (!info.isFile()) return undefined;
    return { path: real, size: info.size, mtimeMs: info.mtimeMs };
  } catch {
    return undefined;
  }
}
