import type { InstallPlan } from '@mortise/api';
import { isAutoInstalled, requiredByOf } from './auto-installed.js';

/** The dependency names of one released version; `undefined` when its ExtensionVersion cannot be read. */
export type DependenciesOf = (extension: string, version: string) => Promise<readonly string[] | undefined>;

/** An auto-installed plan and the plans that need it now; none: nothing does, it may go. */
export interface AutoInstalledNeed {
  plan: InstallPlan;
  requiredBy: string[];
}

/**
 * The versions whose dependencies a plan holds on to: the one installed, the
 * one being installed, and (unless the plan is being deleted) the one its
 * spec asks for, so a plan still Pending keeps what it will need.
 */
export function versionsHeldBy(plan: InstallPlan): string[] {
  const held = new Set<string>();
  if (plan.status?.version) held.add(plan.status.version);
  if (plan.status?.targetVersion) held.add(plan.status.targetVersion);
  if (!plan.metadata.deletionTimestamp) held.add(plan.spec.extension.version);
  return [...held];
}

/**
 * For every auto-installed plan not being deleted, which other plans need
 * it: those whose held versions declare it as a dependency. A plan whose
 * manifest cannot be read is taken at its word as recorded on the
 * dependency (`required-by`), so an unreadable catalogue never removes what
 * may still be needed.
 */
export async function autoInstalledNeeds(
  plans: readonly InstallPlan[],
  dependenciesOf: DependenciesOf,
): Promise<AutoInstalledNeed[]> {
  const dependencies = new Map<string, ReadonlySet<string> | undefined>();
  for (const plan of plans) dependencies.set(plan.metadata.name, await heldDependencies(plan, dependenciesOf));
  const needs: AutoInstalledNeed[] = [];
  for (const plan of plans) {
    if (!isAutoInstalled(plan) || plan.metadata.deletionTimestamp) continue;
    const name = plan.metadata.name;
    const recorded = requiredByOf(plan);
    const requiredBy = [...dependencies]
      .filter(([other, names]) => other !== name && (names === undefined ? recorded.includes(other) : names.has(name)))
      .map(([other]) => other)
      .sort();
    needs.push({ plan, requiredBy });
  }
  return needs;
}

async function heldDependencies(
  plan: InstallPlan,
  dependenciesOf: DependenciesOf,
): Promise<ReadonlySet<string> | undefined> {
  const names = new Set<string>();
  for (const version of versionsHeldBy(plan)) {
    const declared = await dependenciesOf(plan.spec.extension.name, version);
    if (declared === undefined) return undefined;
    for (const name of declared) names.add(name);
  }
  return names;
}
