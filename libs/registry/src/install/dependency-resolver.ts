import semver from 'semver';
import { InvalidError, type ExtensionManifest, type ExtensionVersion } from '@mortise/api';

/** What the resolver asks about the world. */
export interface DependencyCatalog {
  /** Released versions of an extension (ExtensionVersion objects). */
  versionsOf(extension: string): Promise<ExtensionVersion[]>;
  /** The version an InstallPlan already asks for, if there is one. */
  plannedVersion(extension: string): Promise<string | undefined>;
}

export interface ResolvedDependency {
  name: string;
  version: string;
  /** True when an InstallPlan for it exists already. */
  planned: boolean;
  /** The extension whose manifest asked for it (first, when several do). */
  dependant: string;
}

interface Choice {
  version: string;
  planned: boolean;
  /** The chain that chose it, for conflict messages. */
  chain: string[];
  range: string;
}

/** Whether `kernelVersion` satisfies a manifest's `kernel` range (absent: any). */
export function fitsKernel(manifest: Pick<ExtensionManifest, 'kernel'>, kernelVersion: string): boolean {
  return !manifest.kernel || semver.satisfies(kernelVersion, manifest.kernel, { includePrerelease: true });
}

/** The newest version of `versions` whose manifest fits the kernel (and `range`, when given). */
export function newestFitting(
  versions: ExtensionVersion[],
  kernelVersion: string,
  range?: string,
): ExtensionVersion | undefined {
  return versions
    .filter((v) => semver.valid(v.spec.version) && fitsKernel(v.spec, kernelVersion))
    .filter((v) => range === undefined || semver.satisfies(v.spec.version, range, { includePrerelease: true }))
    .sort((a, b) => semver.rcompare(a.spec.version, b.spec.version))[0];
}

/**
 * The extensions `root` needs, in install order (dependencies first), with
 * the version to install for each missing one: the newest that satisfies
 * every range and the kernel. Refuses a cycle or a conflict with one message
 * that lists the chain (`a@1.0.0 → b@^1 → a`).
 */
export async function resolveDependencies(
  root: Pick<ExtensionManifest, 'name' | 'version' | 'dependencies'>,
  catalog: DependencyCatalog,
  kernelVersion: string,
): Promise<ResolvedDependency[]> {
  const chosen = new Map<string, Choice>();
  const order: ResolvedDependency[] = [];

  const visit = async (
    manifest: Pick<ExtensionManifest, 'name' | 'version' | 'dependencies'>,
    chain: string[],
  ): Promise<void> => {
    for (const [name, range] of Object.entries(manifest.dependencies ?? {})) {
      const here = [...chain, `${name}@${range}`];
      if (name === root.name || chain.some((link) => link.startsWith(`${name}@`))) {
        throw new InvalidError(`dependency cycle: ${[...chain, name].join(' → ')}`);
      }
      if (!semver.validRange(range)) {
        throw new InvalidError(`${chain.join(' → ')} requires ${name} "${range}", which is not a semver range`);
      }
      const previous = chosen.get(name);
      if (previous) {
        if (!semver.satisfies(previous.version, range, { includePrerelease: true })) {
          throw new InvalidError(
            `dependency conflict: ${here.join(' → ')}, but ${previous.chain.join(' → ')} needs ${name} ${previous.version}` +
              (previous.planned ? ' (planned already)' : ''),
          );
        }
        continue;
      }
      const planned = await catalog.plannedVersion(name);
      if (planned !== undefined) {
        if (!semver.satisfies(planned, range, { includePrerelease: true })) {
          throw new InvalidError(
            `dependency conflict: ${here.join(' → ')}, but ${name} ${planned} is installed or planned; change its InstallPlan or this version`,
          );
        }
        chosen.set(name, { version: planned, planned: true, chain: here, range });
        order.push({ name, version: planned, planned: true, dependant: manifest.name });
        continue;
      }
      const versions = await catalog.versionsOf(name);
      const pick = newestFitting(versions, kernelVersion, range);
      if (!pick) {
        const available = versions.map((v) => v.spec.version).join(', ') || 'none';
        throw new InvalidError(
          `missing dependency: ${here.join(' → ')}: no version satisfies it on kernel ${kernelVersion} (available: ${available})`,
        );
      }
      const choice: Choice = { version: pick.spec.version, planned: false, chain: here, range };
      chosen.set(name, choice);
      await visit(pick.spec, [...chain, `${name}@${pick.spec.version}`]);
      order.push({ name, version: pick.spec.version, planned: false, dependant: manifest.name });
    }
  };

  await visit(root, [`${root.name}@${root.version}`]);
  return order;
}
