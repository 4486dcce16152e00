import semver from 'semver';

export interface VersionSummary {
  version: string;
  kernel?: string;
}

/**
 * The highest version whose `kernel` range accepts `kernelVersion`
 * (prereleases of the kernel count); versions without a range run on any
 * kernel. Undefined when none fits.
 */
export function recommendedVersion(versions: readonly VersionSummary[], kernelVersion: string): string | undefined {
  let best: string | undefined;
  for (const { version, kernel } of versions) {
    if (semver.valid(version) === null) continue;
    if (kernel !== undefined && !semver.satisfies(kernelVersion, kernel, { includePrerelease: true })) continue;
    if (best === undefined || semver.gt(version, best)) best = version;
  }
  return best;
}

/** Newest first; versions that are not semver last, by name. */
export function sortVersionsDescending<T extends { version: string }>(versions: readonly T[]): T[] {
  return [...versions].sort((a, b) => {
    const validA = semver.valid(a.version) !== null;
    const validB = semver.valid(b.version) !== null;
    if (validA && validB) return semver.rcompare(a.version, b.version);
    if (validA !== validB) return validA ? -1 : 1;
    return a.version.localeCompare(b.version);
  });
}
